import { CircuitBreaker, FakeClock } from '@rc/resilience';
import { metricValue, testEnv } from '@rc/testing';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { GetRecommendations } from '../../src/application/get-recommendations.query';
import { recommendationRequest } from '../../src/domain/recommendation';
import { RedisCoPurchaseModel } from '../../src/infrastructure/co-purchase-model.redis';
import { RedisRecommendationCache } from '../../src/infrastructure/recommendation-cache.redis';
import { createRedisFixture } from '../support/redis-fixture';
import { TcpProxy } from '../support/tcp-proxy';

describe('GetRecommendations (real Redis)', () => {
  let fixture: Awaited<ReturnType<typeof createRedisFixture>>;
  const clients: Redis[] = [];

  beforeEach(async () => {
    fixture = await createRedisFixture('reco-query');
    // Train the model through the shared client: A is bought with B twice, with C once.
    const trainer = new RedisCoPurchaseModel(fixture.redis, modelOptions());
    for (const skus of [
      ['A', 'B'],
      ['A', 'B', 'C'],
    ]) {
      await trainer.recordOrder(
        randomUUID(),
        skus.map((sku) => ({ sku, quantity: 1 })),
      );
    }
  });

  afterEach(async () => {
    clients.splice(0).forEach((c) => c.disconnect());
    await fixture?.drop();
  });

  function modelOptions() {
    return { keyPrefix: fixture.prefix, dedupTtlSeconds: 600, candidatesPerSku: 50 };
  }

  /**
   * The query as the service builds it, on fail-fast clients of its own: the model on the state
   * Redis (through `port` if given), the response cache on the cache Redis.
   */
  async function queryOn(port?: number) {
    const redis = await fixture.failFastClient(port);
    const cacheRedis = await fixture.failFastCacheClient();
    clients.push(redis, cacheRedis);
    const clock = new FakeClock(Date.now());
    const registry = new Registry();
    const query = new GetRecommendations({
      model: new RedisCoPurchaseModel(redis, modelOptions()),
      cache: new RedisRecommendationCache(cacheRedis, fixture.prefix, 3_600_000),
      freshTtlMs: 30_000,
      staleTtlMs: 3_600_000,
      localCacheEntries: 1_000,
      staticBestsellers: ['BEST-1', 'BEST-2'],
      modelBreaker: new CircuitBreaker('redis', {}, { clock, registry }),
      cacheBreaker: new CircuitBreaker('redis-cache', {}, { clock, registry }),
      clock,
      registry,
    });
    return { redis, cacheRedis, clock, registry, query };
  }

  /** Response-cache keys of this test on `redis`. */
  const cacheKeys = (redis: Redis) => redis.keys(`${fixture.prefix}cache:*`);

  const forA = recommendationRequest(['A'], 2);

  it('when 50 identical requests arrive together, then the model is computed once and the rest is coalesced', async () => {
    // Arrange
    const { query, registry } = await queryOn();

    // Act
    const answers = await Promise.all(Array.from({ length: 50 }, () => query.execute(forA)));

    // Assert
    expect(await metricValue(registry, 'recommendations_model_computations_total')).toBe(1);
    expect(await metricValue(registry, 'recommendations_coalesced_requests_total')).toBe(49);
    expect(answers.every((a) => a.source === 'model' && a.skus.join() === 'B,C')).toBe(true);
  });

  it('when asked again within the fresh window, then the shared cache answers, also for another replica', async () => {
    // Arrange
    const first = await queryOn();
    const replica = await queryOn();
    await first.query.execute(forA);

    // Act
    const again = await replica.query.execute(forA);

    // Assert
    expect(again).toEqual({ skus: ['B', 'C'], source: 'cache' });
    expect(await metricValue(replica.registry, 'recommendations_model_computations_total')).toBe(0);
  });

  it('when an answer is cached, then its key lives in the cache Redis only', async () => {
    // Arrange
    const { query } = await queryOn();

    // Act
    await query.execute(forA);

    // Assert
    expect(await cacheKeys(fixture.cache)).toHaveLength(1);
    expect(await cacheKeys(fixture.redis)).toEqual([]);
  });

  it('when a flood of made-up SKU lists arrives, alone or beside known SKUs, then no cache key is created and known SKUs still get their answer', async () => {
    // Arrange
    const { query } = await queryOn();
    const made = (i: number) => `FLOOD-${i}-${randomUUID().slice(0, 8)}`;
    const stateKeysBefore = (await fixture.redis.keys(`${fixture.prefix}*`)).sort();

    // Act
    const answers = [];
    for (let i = 0; i < 200; i++) {
      const skus = i % 2 === 0 ? [made(i), made(i + 1)] : ['A', made(i)];
      answers.push(await query.execute(recommendationRequest(skus, 2)));
    }

    // Assert
    expect(await cacheKeys(fixture.cache)).toEqual([]);
    expect((await fixture.redis.keys(`${fixture.prefix}*`)).sort()).toEqual(stateKeysBefore);
    // a made-up SKU beside A changes nothing in A's answer
    expect(answers.filter((_, i) => i % 2 === 1).every((a) => a.skus.join() === 'B,C')).toBe(true);
  });

  it('when a SKU was only ever ordered alone, then it is known and its answer is cached', async () => {
    // Arrange: a one-line order makes no co-purchase pair, only a best-seller entry
    await new RedisCoPurchaseModel(fixture.redis, modelOptions()).recordOrder(randomUUID(), [
      { sku: 'SOLO', quantity: 1 },
    ]);
    const { query } = await queryOn();

    // Act
    const answer = await query.execute(recommendationRequest(['SOLO'], 2));

    // Assert
    expect(answer.source).toBe('model');
    expect(await cacheKeys(fixture.cache)).toHaveLength(1);
  });

  it('when both Redis connections are lost, then the local stale copy answers and the fallback is counted', async () => {
    // Arrange
    const { query, redis, cacheRedis, clock, registry } = await queryOn();
    await query.execute(forA);
    await clock.advance(60_000); // past the fresh window
    redis.disconnect(); // every command now fails at once (no offline queue)
    cacheRedis.disconnect();

    // Act
    const answer = await query.execute(forA);

    // Assert
    expect(answer).toEqual({ skus: ['B', 'C'], source: 'stale-cache' });
    expect(
      await metricValue(registry, 'recommendations_fallbacks_total', {
        source: 'stale-cache',
        reason: 'cache_unavailable',
      }),
    ).toBe(1);
  });

  it('when the state Redis stops answering (stalled connection), then known requests get the shared stale copy and others the static list', async () => {
    // Arrange
    const proxy = new TcpProxy(
      new URL(testEnv().redisUrl).hostname,
      Number(new URL(testEnv().redisUrl).port || 6379),
    );
    await proxy.start();
    try {
      const { query, clock } = await queryOn(proxy.port);
      await query.execute(forA);
      await clock.advance(60_000); // past the fresh window: the model is asked again
      proxy.stall();

      // Act
      const known = await query.execute(forA);
      const unknown = await query.execute(recommendationRequest(['Z'], 2));

      // Assert
      expect(known).toEqual({ skus: ['B', 'C'], source: 'stale-cache' });
      expect(unknown).toEqual({ skus: ['BEST-1', 'BEST-2'], source: 'bestsellers' });
    } finally {
      await proxy.stop();
    }
  });

  it('when the model has never seen the skus and has no best-sellers, then the static list answers', async () => {
    // Arrange
    const { query } = await queryOn();
    await fixture.redis.del(`${fixture.prefix}best`);

    // Act
    const answer = await query.execute(recommendationRequest(['NEVER-SOLD'], 2));

    // Assert
    expect(answer).toEqual({ skus: ['BEST-1', 'BEST-2'], source: 'bestsellers' });
  });
});
