import { createRedisFixture, metricValue } from '@rc/testing';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import {
  type IdempotencyStore,
  IdempotencyStoreUnavailableError,
  RedisIdempotencyStore,
} from '../../src/idempotency';

/** A client of a port nothing listens on, failing at once (no offline queue, no retries). */
const unreachableRedis = () =>
  new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });

describe('RedisIdempotencyStore (real Redis)', () => {
  let fixture: Awaited<ReturnType<typeof createRedisFixture>>;
  let registry: Registry;
  let store: RedisIdempotencyStore;
  const response = {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: { ok: 1 },
  };

  beforeAll(async () => {
    fixture = await createRedisFixture('resilience-idem');
  });

  beforeEach(() => {
    registry = new Registry();
    store = new RedisIdempotencyStore({
      redis: fixture.redis,
      keyPrefix: `${fixture.prefix}idem:`,
      lockTimeoutMs: 300,
      ttlMs: 60_000,
      registry,
      unavailable: (cause) => new Error('unavailable', { cause }),
    });
  });

  afterAll(async () => {
    await fixture?.drop();
  });

  it('when a completed key is used again with the same request, then its response is replayed', async () => {
    // Arrange
    const begun = await store.begin('client-a', 'k1', 'fp1');
    if (begun.outcome !== 'started') throw new Error(`unexpected ${begun.outcome}`);
    await store.complete(begun.lease, response);

    // Act
    const again = await store.begin('client-a', 'k1', 'fp1');

    // Assert
    expect(begun.takenOver).toBe(false);
    expect(again).toEqual({ outcome: 'replay', response });
  });

  it('when the key is still running, then a second request is told in_flight with a bounded retry-after', async () => {
    // Arrange
    await store.begin('client-a', 'k2', 'fp1');

    // Act
    const second = await store.begin('client-a', 'k2', 'fp1');

    // Assert
    expect(second.outcome).toBe('in_flight');
    if (second.outcome === 'in_flight') {
      expect(second.retryAfterMs).toBeGreaterThan(0);
      expect(second.retryAfterMs).toBeLessThanOrEqual(300);
    }
  });

  it('when the key is reused for a different request, then it is a mismatch', async () => {
    // Arrange
    await store.begin('client-a', 'k3', 'fp1');

    // Act
    const other = await store.begin('client-a', 'k3', 'fp2');

    // Assert
    expect(other).toEqual({ outcome: 'mismatch' });
  });

  it('when two clients use the same key, then they do not see each other', async () => {
    // Arrange
    await store.begin('client-a', 'k4', 'fp1');

    // Act
    const b = await store.begin('client-b', 'k4', 'fp2');

    // Assert
    expect(b.outcome).toBe('started');
  });

  it('when a lease expires, then a retry takes over and the stale holder can neither complete nor release', async () => {
    // Arrange
    const first = await store.begin('client-a', 'k5', 'fp1');
    if (first.outcome !== 'started') throw new Error('not started');
    await new Promise((resolve) => setTimeout(resolve, 350));

    // Act
    const retry = await store.begin('client-a', 'k5', 'fp1');
    const staleComplete = await store.complete(first.lease, response);
    const staleRelease = await store.release(first.lease);

    // Assert
    expect(retry).toMatchObject({ outcome: 'started', takenOver: true });
    expect(staleComplete).toBe(false);
    expect(staleRelease).toBe(false);
    expect(
      await metricValue(registry, 'resilience_idempotency_outcomes_total', {
        outcome: 'lock_lost',
      }),
    ).toBe(2);
  });

  it('when a key is released after a failure, then the same request can start again', async () => {
    // Arrange
    const first = await store.begin('client-a', 'k6', 'fp1');
    if (first.outcome !== 'started') throw new Error('not started');

    // Act
    const released = await store.release(first.lease);
    const again = await store.begin('client-a', 'k6', 'fp1');

    // Assert
    expect(released).toBe(true);
    expect(again).toMatchObject({ outcome: 'started', takenOver: false });
  });

  it('when ten identical requests race, then exactly one starts', async () => {
    // Act
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.begin('client-a', 'k7', 'fp1')),
    );

    // Assert
    expect(results.filter((r) => r.outcome === 'started')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'in_flight')).toHaveLength(9);
  });

  it('when Redis cannot be reached, then begin fails with the configured unavailable error', async () => {
    // Arrange
    const dead = unreachableRedis();
    const unreachable = new RedisIdempotencyStore({
      redis: dead,
      keyPrefix: 'x:',
      registry,
      unavailable: (cause) =>
        Object.assign(new Error('store down', { cause }), { code: 'TEST.DOWN' }),
    });

    // Act
    const attempt = unreachable.begin('client-a', 'k8', 'fp1');

    // Assert
    await expect(attempt).rejects.toMatchObject({ code: 'TEST.DOWN' });
    dead.disconnect();
  });

  it('when Redis cannot be reached and no error is configured, then begin fails with the 503 of the library', async () => {
    // Arrange
    const dead = unreachableRedis();
    const unreachable = new RedisIdempotencyStore({ redis: dead, keyPrefix: 'x:', registry });

    // Act
    const attempt = unreachable.begin('client-a', 'k9', 'fp1');

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(IdempotencyStoreUnavailableError);
    await expect(attempt).rejects.toMatchObject({
      code: 'IDEMPOTENCY.STORE_UNAVAILABLE',
      httpStatus: 503,
    });
    dead.disconnect();
  });

  it('when asked to purge, then it deletes nothing and offers no prune task (Redis expires keys)', async () => {
    // Arrange
    const begun = await store.begin('client-a', 'k10', 'fp1');
    if (begun.outcome !== 'started') throw new Error('not started');

    const contract: IdempotencyStore = store;

    // Act
    const purged = await contract.purgeExpired(100);

    // Assert
    expect(purged).toBe(0);
    expect(contract.pruneTask).toBeUndefined();
    expect(store.lockTimeout).toBe(300);
    expect(await store.begin('client-a', 'k10', 'fp1')).toMatchObject({ outcome: 'in_flight' });
  });
});
