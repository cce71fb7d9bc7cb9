import { createRedisFixture } from '@rc/testing';
import { CartTooManyLinesError } from '../../src/domain/cart.errors';
import { CartStoreUnavailableError } from '../../src/domain/cart.errors';
import { RedisCartRepository } from '../../src/infrastructure/cart.redis-repository';
import { Redis } from 'ioredis';

describe('RedisCartRepository (real Redis)', () => {
  let fixture: Awaited<ReturnType<typeof createRedisFixture>>;
  let carts: RedisCartRepository;
  const ttlMs = 60_000;

  beforeAll(async () => {
    fixture = await createRedisFixture('cart-repo');
    carts = new RedisCartRepository(fixture.redis, {
      keyPrefix: `${fixture.prefix}cart:`,
      ttlMs,
      maxLines: 5,
    });
  });

  afterAll(async () => {
    await fixture?.drop();
  });

  it('when lines are set and removed, then the hash holds sku → quantity and the cart reads back sorted', async () => {
    // Act
    await carts.setItem({ owner: 'alice', cartId: 'c1' }, 'SKU-B', 2);
    const afterSet = await carts.setItem({ owner: 'alice', cartId: 'c1' }, 'SKU-A', 1);
    const afterRemove = await carts.removeItem({ owner: 'alice', cartId: 'c1' }, 'SKU-B');

    // Assert
    expect(afterSet.cart.items).toEqual([
      { sku: 'SKU-A', quantity: 1 },
      { sku: 'SKU-B', quantity: 2 },
    ]);
    expect(afterRemove).toEqual({
      cart: { cartId: 'c1', items: [{ sku: 'SKU-A', quantity: 1 }] },
      previousQuantity: 2,
    });
    expect(await fixture.redis.hgetall(`${fixture.prefix}cart:alice:c1`)).toEqual({ 'SKU-A': '1' });
    expect(await carts.get({ owner: 'alice', cartId: 'c1' })).toEqual(afterRemove.cart);
  });

  it('when a line is set again, then the previous quantity is reported and the TTL is refreshed', async () => {
    // Arrange
    const key = `${fixture.prefix}cart:alice:c2`;
    await carts.setItem({ owner: 'alice', cartId: 'c2' }, 'SKU-A', 1);
    await fixture.redis.pexpire(key, 1_000);

    // Act
    const result = await carts.setItem({ owner: 'alice', cartId: 'c2' }, 'SKU-A', 7);

    // Assert
    expect(result.previousQuantity).toBe(1);
    const ttl = await fixture.redis.pttl(key);
    expect(ttl).toBeGreaterThan(ttlMs - 5_000);
    expect(ttl).toBeLessThanOrEqual(ttlMs);
  });

  it('when an unknown cart is read or a missing line removed, then it is empty, not an error', async () => {
    // Act
    const read = await carts.get({ owner: 'alice', cartId: 'never-written' });
    const removed = await carts.removeItem({ owner: 'alice', cartId: 'never-written' }, 'SKU-A');

    // Assert
    expect(read).toEqual({ cartId: 'never-written', items: [] });
    expect(removed.previousQuantity).toBe(0);
    expect(await fixture.redis.exists(`${fixture.prefix}cart:alice:never-written`)).toBe(0);
  });

  it('when 20 different lines race into a cart limited to 5, then exactly 5 are stored', async () => {
    // Act
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        carts.setItem({ owner: 'alice', cartId: 'c3' }, `SKU-${i}`, 1),
      ),
    );

    // Assert
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(15);
    for (const r of refused) expect(r.reason).toBeInstanceOf(CartTooManyLinesError);
    expect((await carts.get({ owner: 'alice', cartId: 'c3' })).items).toHaveLength(5);
  });

  it('when the cart is full, then an existing line can still be changed', async () => {
    // Arrange
    for (let i = 0; i < 5; i++)
      await carts.setItem({ owner: 'alice', cartId: 'c4' }, `SKU-${i}`, 1);

    // Act
    const result = await carts.setItem({ owner: 'alice', cartId: 'c4' }, 'SKU-0', 9);

    // Assert
    expect(result.cart.items.find((l) => l.sku === 'SKU-0')?.quantity).toBe(9);
  });

  it('when Redis is unreachable, then the repository fails fast with CART.STORE_UNAVAILABLE', async () => {
    // Arrange: a client on a closed port with no offline queue (as the service configures it)
    const dead = new Redis({
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const unreachable = new RedisCartRepository(dead, { keyPrefix: 'x:', ttlMs, maxLines: 5 });

    // Act
    const attempt = unreachable.setItem({ owner: 'alice', cartId: 'c5' }, 'SKU-A', 1);

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(CartStoreUnavailableError);
    await expect(attempt).rejects.toMatchObject({ code: 'CART.STORE_UNAVAILABLE' });
    dead.disconnect();
  });
});
