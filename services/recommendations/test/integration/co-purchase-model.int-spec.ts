import { randomUUID } from 'node:crypto';
import { RecordOrder } from '../../src/application/record-order.command';
import { RedisCoPurchaseModel } from '../../src/infrastructure/co-purchase-model.redis';
import { createRedisFixture } from '../support/redis-fixture';

describe('RedisCoPurchaseModel (real Redis)', () => {
  let fixture: Awaited<ReturnType<typeof createRedisFixture>>;
  let model: RedisCoPurchaseModel;

  beforeEach(async () => {
    fixture = await createRedisFixture('reco-model');
    model = new RedisCoPurchaseModel(fixture.redis, {
      keyPrefix: fixture.prefix,
      dedupTtlSeconds: 600,
      candidatesPerSku: 50,
    });
  });

  afterEach(async () => {
    await fixture?.drop();
  });

  const order = (...skus: string[]) => skus.map((sku) => ({ sku, quantity: 1 }));

  it('when orders are learnt, then the most co-purchased skus come first, excluding the requested ones', async () => {
    // Arrange
    await model.recordOrder(randomUUID(), order('A', 'B', 'C'));
    await model.recordOrder(randomUUID(), order('A', 'B'));
    await model.recordOrder(randomUUID(), order('A', 'D'));

    // Act
    const { skus: forA } = await model.recommend(['A'], 3);
    const { skus: forAB } = await model.recommend(['A', 'B'], 3);

    // Assert
    expect(forA).toEqual(['B', 'C', 'D']);
    expect(forAB[0]).toBe('C'); // with A (1) and with B (1) = 2; D only with A = 1
    expect(forAB).not.toContain('A');
    expect(forAB).not.toContain('B');
  });

  it('when the pairs are too few, then the answer is topped up with best-sellers by units', async () => {
    // Arrange
    await model.recordOrder(randomUUID(), [{ sku: 'TOP', quantity: 9 }]);
    await model.recordOrder(randomUUID(), order('A', 'B'));

    // Act
    const { skus: answer } = await model.recommend(['A'], 3);

    // Assert
    expect(answer).toEqual(['B', 'TOP']);
  });

  it('when a request names SKUs never sold, then the model names them as unknown, and a SKU ordered alone is known', async () => {
    // Arrange
    await model.recordOrder(randomUUID(), order('A', 'B'));
    await model.recordOrder(randomUUID(), order('SOLO'));

    // Act
    const answer = await model.recommend(['A', 'NEVER-1', 'NEVER-2', 'SOLO'], 3);

    // Assert
    expect(answer).toEqual({ skus: ['B'], unknownSkus: ['NEVER-1', 'NEVER-2'] });
  });

  it('when the same event is applied twice, then the model counts it once', async () => {
    // Arrange
    const eventId = randomUUID();
    const record = new RecordOrder(model);

    // Act
    const first = await record.execute({ eventId, items: order('A', 'B') });
    const second = await record.execute({ eventId, items: order('A', 'B') });

    // Assert
    expect([first, second]).toEqual(['applied', 'duplicate']);
    expect(await fixture.redis.zscore(`${fixture.prefix}co:A`, 'B')).toBe('1');
    expect(await fixture.redis.zscore(`${fixture.prefix}best`, 'A')).toBe('1');
    expect(await fixture.redis.ttl(`${fixture.prefix}seen:${eventId}`)).toBeGreaterThan(590);
  });

  it('when ten deliveries of one event race, then exactly one is applied', async () => {
    // Arrange
    const eventId = randomUUID();

    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => model.recordOrder(eventId, order('A', 'B'))),
    );

    // Assert
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    expect(await fixture.redis.zscore(`${fixture.prefix}co:B`, 'A')).toBe('1');
  });

  it('when an order lists a sku twice, then units add up and the pair counts once', async () => {
    // Act
    await model.recordOrder(randomUUID(), [
      { sku: 'A', quantity: 2 },
      { sku: 'A', quantity: 3 },
      { sku: 'B', quantity: 1 },
    ]);

    // Assert
    expect(await fixture.redis.zscore(`${fixture.prefix}best`, 'A')).toBe('5');
    expect(await fixture.redis.zscore(`${fixture.prefix}co:A`, 'B')).toBe('1');
    expect(await fixture.redis.zscore(`${fixture.prefix}co:A`, 'A')).toBeNull();
  });

  it('when the server has lost the script (restart, SCRIPT FLUSH), then the next order is still learnt once', async () => {
    // Arrange: the first order loads the script; then the server forgets it.
    await model.recordOrder(randomUUID(), order('A', 'B'));
    await fixture.redis.script('FLUSH');
    const eventId = randomUUID();

    // Act
    const first = await model.recordOrder(eventId, order('A', 'B'));
    const again = await model.recordOrder(eventId, order('A', 'B'));

    // Assert
    expect([first, again]).toEqual(['applied', 'duplicate']);
    expect((await model.recommend(['A'], 5)).skus).toEqual(['B']);
    expect(await fixture.redis.zscore(`${fixture.prefix}co:A`, 'B')).toBe('2');
  });

  it('when several orders are learnt in one batch, then the model holds what learning them one by one gives, and a repeated event counts once', async () => {
    // Arrange: the same orders, one by one into a second model under another prefix
    const single = new RedisCoPurchaseModel(fixture.redis, {
      keyPrefix: `${fixture.prefix}single:`,
      dedupTtlSeconds: 600,
      candidatesPerSku: 50,
    });
    const [e1, e2, e3] = [randomUUID(), randomUUID(), randomUUID()];
    const orders = [
      { eventId: e1, lines: order('A', 'B') },
      { eventId: e2, lines: [{ sku: 'A', quantity: 2 }, ...order('C')] },
      { eventId: e1, lines: order('A', 'B') },
      { eventId: e3, lines: order('B', 'C', 'D') },
    ];
    const oneByOne = [];
    for (const o of orders) oneByOne.push(await single.recordOrder(o.eventId, o.lines));

    // Act
    const batched = await new RecordOrder(model).executeBatch(
      orders.map((o) => ({ eventId: o.eventId, items: o.lines })),
    );

    // Assert
    expect(batched).toEqual(['applied', 'applied', 'duplicate', 'applied']);
    expect(batched).toEqual(oneByOne);
    for (const sku of ['A', 'B', 'C', 'D']) {
      expect(await model.recommend([sku], 5)).toEqual(await single.recommend([sku], 5));
    }
    expect(await fixture.redis.zscore(`${fixture.prefix}co:A`, 'B')).toBe('1');
    expect(await fixture.redis.zscore(`${fixture.prefix}best`, 'A')).toBe('3');
  });

  it('when the server has lost the script before a batch, then every order of the batch is still learnt once', async () => {
    // Arrange
    await model.recordOrder(randomUUID(), order('A', 'B'));
    await fixture.redis.script('FLUSH');
    const orders = [randomUUID(), randomUUID()].map((eventId) => ({
      eventId,
      lines: order('A', 'B'),
    }));

    // Act
    const first = await model.recordOrders(orders);
    const again = await model.recordOrders(orders);

    // Assert
    expect(first).toEqual(['applied', 'applied']);
    expect(again).toEqual(['duplicate', 'duplicate']);
    expect(await fixture.redis.zscore(`${fixture.prefix}co:A`, 'B')).toBe('3');
  });

  it('when nothing was ever learnt, then the answer is empty', async () => {
    expect(await model.recommend(['A'], 4)).toEqual({ skus: [], unknownSkus: ['A'] });
  });
});
