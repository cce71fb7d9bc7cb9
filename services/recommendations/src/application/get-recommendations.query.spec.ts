import { metricValue } from '@rc/testing';
import { CircuitBreaker, FakeClock } from '@rc/resilience';
import { Registry } from 'prom-client';
import type { CoPurchaseModel, ModelSuggestions } from '../domain/co-purchase-model.port';
import { recommendationRequest } from '../domain/recommendation';
import type {
  CachedRecommendation,
  RecommendationCache,
} from '../domain/recommendation-cache.port';
import { GetRecommendations } from './get-recommendations.query';

class FakeModel implements CoPurchaseModel {
  answer: string[] = ['X', 'Y'];
  /** SKUs the model has never seen sold. */
  unknown = new Set<string>();
  failing = false;
  calls = 0;
  gate: Promise<void> = Promise.resolve();

  async recommend(skus: readonly string[]): Promise<ModelSuggestions> {
    this.calls++;
    await this.gate;
    if (this.failing) throw new Error('redis timeout');
    return { skus: [...this.answer], unknownSkus: skus.filter((s) => this.unknown.has(s)) };
  }

  async recordOrder(): Promise<'applied'> {
    return 'applied';
  }

  async recordOrders(orders: readonly unknown[]): Promise<'applied'[]> {
    return orders.map(() => 'applied');
  }
}

class FakeCache implements RecommendationCache {
  readonly entries = new Map<string, CachedRecommendation>();
  failing = false;
  failWrites = false;

  async get(key: string) {
    if (this.failing) throw new Error('connection is closed');
    return this.entries.get(key);
  }

  async set(key: string, value: CachedRecommendation) {
    if (this.failing || this.failWrites) throw new Error('connection is closed');
    this.entries.set(key, value);
  }
}

describe('GetRecommendations', () => {
  function setUp() {
    const clock = new FakeClock();
    const model = new FakeModel();
    const cache = new FakeCache();
    const registry = new Registry();
    const breaker = (name: string) =>
      new CircuitBreaker(
        name,
        { minimumNumberOfCalls: 2, failureRateThreshold: 50, window: { type: 'count', size: 4 } },
        { clock, registry },
      );
    const query = new GetRecommendations({
      model,
      cache,
      freshTtlMs: 30_000,
      staleTtlMs: 3_600_000,
      localCacheEntries: 100,
      staticBestsellers: ['B1', 'A', 'B2', 'B3'],
      modelBreaker: breaker('redis'),
      cacheBreaker: breaker('redis-cache'),
      clock,
      registry,
    });
    return { clock, model, cache, registry, query };
  }
  const request = recommendationRequest(['A'], 2);

  it('when nothing is cached, then the model answers and the answer is cached', async () => {
    // Arrange
    const { model, cache, query } = setUp();

    // Act
    const answer = await query.execute(request);

    // Assert
    expect(answer).toEqual({ skus: ['X', 'Y'], source: 'model' });
    expect(model.calls).toBe(1);
    expect([...cache.entries.values()][0]?.skus).toEqual(['X', 'Y']);
  });

  it('when a fresh answer is cached, then it is served without computing', async () => {
    // Arrange
    const { model, query, clock } = setUp();
    await query.execute(request);
    await clock.advance(29_000);

    // Act
    const answer = await query.execute(request);

    // Assert
    expect(answer).toEqual({ skus: ['X', 'Y'], source: 'cache' });
    expect(model.calls).toBe(1);
  });

  it('when the cached answer is stale and the model is healthy, then it is recomputed', async () => {
    // Arrange
    const { model, query, clock } = setUp();
    await query.execute(request);
    await clock.advance(31_000);
    model.answer = ['Z'];

    // Act
    const answer = await query.execute(request);

    // Assert
    expect(answer).toEqual({ skus: ['Z'], source: 'model' });
  });

  it('when the cached answer is stale and the model fails, then the stale copy is served and counted', async () => {
    // Arrange
    const { model, query, clock, registry } = setUp();
    await query.execute(request);
    await clock.advance(31_000);
    model.failing = true;

    // Act
    const answer = await query.execute(request);

    // Assert
    expect(answer).toEqual({ skus: ['X', 'Y'], source: 'stale-cache' });
    expect(
      await metricValue(registry, 'recommendations_fallbacks_total', {
        source: 'stale-cache',
        reason: 'model_unavailable',
      }),
    ).toBe(1);
  });

  it('when the cache cannot be read but the model answers, then the model answers and nothing is written', async () => {
    // Arrange
    const { model, cache, query } = setUp();
    cache.failing = true;

    // Act
    const answer = await query.execute(request);

    // Assert
    expect(answer).toEqual({ skus: ['X', 'Y'], source: 'model' });
    expect(model.calls).toBe(1);
    expect(cache.entries.size).toBe(0);
  });

  it('when the cache cannot be read and this process’s copy is still fresh, then the copy answers without the model', async () => {
    // Arrange
    const { model, cache, query, clock, registry } = setUp();
    await query.execute(request);
    cache.failing = true;
    await clock.advance(10_000);

    // Act
    const answers = [await query.execute(request), await query.execute(request)];

    // Assert
    expect(answers).toEqual([
      { skus: ['X', 'Y'], source: 'cache' },
      { skus: ['X', 'Y'], source: 'cache' },
    ]);
    expect(model.calls).toBe(1);
    expect(await metricValue(registry, 'recommendations_model_computations_total')).toBe(1);

    // and once the copy is past the fresh window, the model is asked again
    await clock.advance(25_000);
    expect(await query.execute(request)).toEqual({ skus: ['X', 'Y'], source: 'model' });
    expect(model.calls).toBe(2);
  });

  it('when neither the cache nor the model answers, then this process’s copy answers', async () => {
    // Arrange
    const { model, cache, query, registry, clock } = setUp();
    await query.execute(request);
    await clock.advance(31_000); // past the fresh window: only a stale copy is left
    cache.failing = true;
    model.failing = true;

    // Act
    const answer = await query.execute(request);

    // Assert
    expect(answer).toEqual({ skus: ['X', 'Y'], source: 'stale-cache' });
    expect(
      await metricValue(registry, 'recommendations_fallbacks_total', {
        source: 'stale-cache',
        reason: 'cache_unavailable',
      }),
    ).toBe(1);
  });

  it('when neither answers and nothing was seen before, then the static best-sellers answer, minus the requested skus', async () => {
    // Arrange
    const { cache, model, query, registry } = setUp();
    cache.failing = true;
    model.failing = true;

    // Act
    const answer = await query.execute(request);

    // Assert
    expect(answer).toEqual({ skus: ['B1', 'B2'], source: 'bestsellers' });
    expect(
      await metricValue(registry, 'recommendations_fallbacks_total', {
        source: 'bestsellers',
        reason: 'cache_unavailable',
      }),
    ).toBe(1);
  });

  it('when the request names a SKU the model has never sold, then the model answers and no cache keeps it', async () => {
    // Arrange
    const { model, cache, query } = setUp();
    model.unknown.add('NOT-A-SKU');
    const mixed = recommendationRequest(['A', 'NOT-A-SKU'], 2);
    await query.execute(mixed);
    model.failing = true;

    // Act
    const again = await query.execute(mixed);

    // Assert
    expect(cache.entries.size).toBe(0);
    expect(again.source).toBe('bestsellers'); // no local copy either
  });

  it('when the stale window has passed too, then the static best-sellers answer', async () => {
    // Arrange
    const { cache, model, query, clock } = setUp();
    await query.execute(request);
    cache.failing = true;
    model.failing = true;
    await clock.advance(3_600_001);

    // Act
    const answer = await query.execute(request);

    // Assert
    expect(answer.source).toBe('bestsellers');
  });

  it('when the model has learnt nothing yet, then the static best-sellers answer and nothing is cached', async () => {
    // Arrange
    const { model, cache, query, registry } = setUp();
    model.answer = [];

    // Act
    const answer = await query.execute(request);

    // Assert
    expect(answer).toEqual({ skus: ['B1', 'B2'], source: 'bestsellers' });
    expect(cache.entries.size).toBe(0);
    expect(
      await metricValue(registry, 'recommendations_fallbacks_total', {
        source: 'bestsellers',
        reason: 'cold_start',
      }),
    ).toBe(1);
  });

  it('when the cache cannot be written, then the model answer is still served', async () => {
    // Arrange
    const { cache, query } = setUp();
    cache.failWrites = true;

    // Act
    const answer = await query.execute(request);

    // Assert
    expect(answer.source).toBe('model');
  });

  it('when 50 identical requests arrive together, then the model computes once and all get the answer', async () => {
    // Arrange
    const { model, query, registry } = setUp();
    let open: () => void = () => undefined;
    model.gate = new Promise((resolve) => (open = resolve));

    // Act
    const pending = Array.from({ length: 50 }, () =>
      query.execute(recommendationRequest(['A'], 2)),
    );
    open();
    const answers = await Promise.all(pending);

    // Assert
    expect(model.calls).toBe(1);
    expect(answers.every((a) => a.source === 'model' && a.skus.join() === 'X,Y')).toBe(true);
    expect(await metricValue(registry, 'recommendations_coalesced_requests_total')).toBe(49);
  });

  it('when the cache Redis keeps failing, then its breaker opens and later requests skip it but still reach the model', async () => {
    // Arrange
    const { cache, model, query, clock } = setUp();
    cache.failing = true;
    let reads = 0;
    const get = cache.get.bind(cache);
    cache.get = (key: string) => {
      reads++;
      return get(key);
    };
    await query.execute(request);
    await query.execute(recommendationRequest(['B'], 2));

    // Act
    const answer = await query.execute(recommendationRequest(['C'], 2));

    // Assert
    expect(reads).toBe(2);
    expect(answer.source).toBe('model');
    expect(model.calls).toBe(3);

    // and once the open duration has passed, the cache is tried again
    cache.failing = false;
    await clock.advance(5_000);
    await query.execute(request);
    expect(reads).toBe(3);
    expect(cache.entries.size).toBe(1);
  });

  it('when the model Redis keeps failing, then its breaker opens and later requests do not call it', async () => {
    // Arrange
    const { model, query, registry } = setUp();
    model.failing = true;
    await query.execute(request);
    await query.execute(recommendationRequest(['B'], 2));

    // Act
    const answer = await query.execute(recommendationRequest(['C'], 2));

    // Assert
    expect(model.calls).toBe(2);
    expect(answer.source).toBe('bestsellers');
    // a call the open breaker refused reached no store, so it is no computation
    expect(await metricValue(registry, 'recommendations_model_computations_total')).toBe(2);
  });
});
