import { createRedisFixture, metricValue, waitFor } from '@rc/testing';
import { Registry } from 'prom-client';
import { RemoveCartItem } from '../../src/application/remove-cart-item.command';
import { SetCartItem } from '../../src/application/set-cart-item.command';
import { BufferedCartEventPublisher } from '../../src/infrastructure/buffered-cart-event-publisher';
import { RedisCartRepository } from '../../src/infrastructure/cart.redis-repository';
import { KafkaEventBatchSender } from '../../src/infrastructure/kafka-event-batch-sender';
import { createTopic, readEvents, testKafka, unreachableKafka } from '../support/kafka-fixture';

describe('cart events (real Redis and Kafka)', () => {
  let fixture: Awaited<ReturnType<typeof createRedisFixture>>;
  let carts: RedisCartRepository;

  beforeAll(async () => {
    fixture = await createRedisFixture('cart-events');
    carts = new RedisCartRepository(fixture.redis, {
      keyPrefix: `${fixture.prefix}cart:`,
      ttlMs: 60_000,
      maxLines: 100,
    });
  });

  afterAll(async () => {
    await fixture?.drop();
  });

  function publisherFor(sender: KafkaEventBatchSender, capacity: number) {
    const registry = new Registry();
    const publisher = new BufferedCartEventPublisher({
      sender,
      capacity,
      batchSize: 2,
      lingerMs: 5,
      // Long enough that the test is over before a second attempt.
      retryBackoff: { baseMs: 30_000, maxMs: 30_000 },
      drainTimeoutMs: 500,
      registry,
      random: () => 1,
    });
    return { publisher, registry };
  }

  it('when lines are set and removed with Kafka up, then the differences arrive on the topic keyed by cart id', async () => {
    // Arrange
    const kafka = testKafka();
    const { topic, remove } = await createTopic(kafka, 'carts');
    const { publisher, registry } = publisherFor(new KafkaEventBatchSender(kafka, topic), 100);
    publisher.start();
    const setItem = new SetCartItem(carts, publisher);
    const removeItem = new RemoveCartItem(carts, publisher);

    try {
      // Act
      await setItem.execute({ owner: 'alice', cartId: 'k-up', sku: 'SKU-1', quantity: 2 });
      await setItem.execute({ owner: 'alice', cartId: 'k-up', sku: 'SKU-1', quantity: 5 });
      await setItem.execute({ owner: 'alice', cartId: 'k-up', sku: 'SKU-1', quantity: 5 }); // a retry: no event
      await removeItem.execute({ owner: 'alice', cartId: 'k-up', sku: 'SKU-1' });

      // Assert
      const messages = await readEvents(kafka, topic, 3);
      expect(messages.map((m) => m.key)).toEqual(['k-up', 'k-up', 'k-up']);
      expect(messages.map((m) => m.value)).toEqual([
        expect.objectContaining({
          type: 'CartItemAdded',
          data: { cartId: 'k-up', sku: 'SKU-1', quantity: 2 },
        }),
        expect.objectContaining({
          type: 'CartItemAdded',
          data: { cartId: 'k-up', sku: 'SKU-1', quantity: 3 },
        }),
        expect.objectContaining({
          type: 'CartItemRemoved',
          data: { cartId: 'k-up', sku: 'SKU-1', quantity: 5 },
        }),
      ]);
      expect(messages[0]!.headers['event-type']).toBe('CartItemAdded');
      await waitFor(
        async () => (await metricValue(registry, 'cart_events_published_total')) === 3,
        5_000,
        'published metric',
      );
    } finally {
      await publisher.stop();
      await remove();
    }
  });

  it('when Kafka is unreachable, then every cart write succeeds and the events beyond the buffer are dropped and counted', async () => {
    // Arrange
    const { publisher, registry } = publisherFor(
      new KafkaEventBatchSender(await unreachableKafka(), 'carts'),
      5,
    );
    publisher.start();
    const setItem = new SetCartItem(carts, publisher);
    await setItem.execute({ owner: 'alice', cartId: 'k-down', sku: 'SKU-0', quantity: 1 });
    await waitFor(
      async () => (await metricValue(registry, 'cart_events_publish_failures_total')) === 1,
      10_000,
      'the first send to fail',
    );

    // Act: ten more writes while the publisher backs off with one event buffered
    const carts10 = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        setItem.execute({ owner: 'alice', cartId: 'k-down', sku: `SKU-${i + 1}`, quantity: 1 }),
      ),
    );

    // Assert
    expect(carts10.at(-1)!.items.length).toBeGreaterThanOrEqual(10);
    expect((await carts.get({ owner: 'alice', cartId: 'k-down' })).items).toHaveLength(11);
    expect(publisher.buffered).toBe(5);
    expect(
      await metricValue(registry, 'cart_events_dropped_total', { reason: 'buffer_full' }),
    ).toBe(6);
    expect(await metricValue(registry, 'cart_events_published_total')).toBe(0);

    await publisher.stop();
    expect(await metricValue(registry, 'cart_events_dropped_total', { reason: 'shutdown' })).toBe(
      5,
    );
  });
});
