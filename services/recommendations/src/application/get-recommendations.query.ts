import { silentLogger, type MessagingLogger } from '@rc/messaging';
import type { CircuitBreaker, Clock } from '@rc/resilience';
import type { Registry } from 'prom-client';
import type { CoPurchaseModel, ModelSuggestions } from '../domain/co-purchase-model.port';
import {
  pickExcluding,
  requestKey,
  type RecommendationRequest,
  type Recommendations,
  type RecommendationSource,
} from '../domain/recommendation';
import type {
  CachedRecommendation,
  RecommendationCache,
} from '../domain/recommendation-cache.port';
import { LocalStaleCache } from './local-stale-cache';
import { recommendationMetrics, type RecommendationMetrics } from './recommendations.metrics';
import { SingleFlight } from './single-flight';

/** Options of {@link GetRecommendations}. */
export interface GetRecommendationsOptions {
  model: CoPurchaseModel;
  cache: RecommendationCache;
  /** A cached answer younger than this is served as is. */
  freshTtlMs: number;
  /** A cached answer younger than this may still be served when the model cannot answer. */
  staleTtlMs: number;
  /** Answers kept in process for when Redis itself is unreachable. */
  localCacheEntries: number;
  /** The last resort: a fixed best-seller list from config. */
  staticBestsellers: readonly string[];
  /**
   * Breaker around the model's calls (the state Redis): once it has proven slow or failing,
   * answers come from the fallbacks at once instead of each request waiting out the timeout.
   */
  modelBreaker: CircuitBreaker;
  /** Breaker around the cache's calls (the cache Redis, a separate server in production). */
  cacheBreaker: CircuitBreaker;
  clock: Clock;
  registry: Registry;
  logger?: MessagingLogger;
}

type Fallback = 'cache_unavailable' | 'model_unavailable' | 'cold_start';

/**
 * Products often bought with the given ones. Always answers, never throws: a tier-3 feature
 * must not turn its own trouble into its callers' errors. In order:
 * 1. a fresh answer from the shared cache (`cache`) or, while the shared cache cannot be read,
 *    this process's own copy of it if still fresh (also `cache`);
 * 2. otherwise the model computes it (`model`) and the caches keep it — only when the model
 *    knows every requested SKU, so requests naming arbitrary SKUs cannot fill the caches;
 * 3. when the model fails, a stale copy from the shared cache or, when the cache cannot be
 *    read either, from this process's own copy (`stale-cache`);
 * 4. otherwise, and when the model has learnt nothing yet, the static best-sellers from config
 *    (`bestsellers`).
 * Identical concurrent requests share one run of all this (single flight), so an expired entry
 * under load costs one model computation, not one per request. The model's and the cache's
 * Redis calls each go through their own circuit breaker, so a slow Redis costs a few timeouts,
 * then nothing, and a lost cache does not stop the model. Fallbacks are counted.
 */
export class GetRecommendations {
  private readonly flight = new SingleFlight<Recommendations>();
  private readonly local: LocalStaleCache;
  private readonly metrics: RecommendationMetrics;
  private readonly log: MessagingLogger;

  constructor(private readonly options: GetRecommendationsOptions) {
    this.local = new LocalStaleCache(options.localCacheEntries, options.staleTtlMs, options.clock);
    this.metrics = recommendationMetrics(options.registry);
    this.log = options.logger ?? silentLogger;
  }

  async execute(request: RecommendationRequest): Promise<Recommendations> {
    const key = requestKey(request);
    const { result, leader } = this.flight.run(key, () => this.resolve(key, request));
    if (!leader) this.metrics.coalesced.inc();
    const answer = await result;
    // Each caller gets its own array: the shared result must not be mutated through one of them.
    return { skus: [...answer.skus], source: answer.source };
  }

  private async resolve(key: string, request: RecommendationRequest): Promise<Recommendations> {
    let cached: CachedRecommendation | undefined;
    let cacheReadable = true;
    try {
      cached = await this.options.cacheBreaker.execute(() => this.options.cache.get(key));
    } catch (e) {
      this.warn('recommendation cache unavailable', e);
      cacheReadable = false;
    }
    const now = this.options.clock.now();
    if (cached && now - cached.computedAt <= this.options.freshTtlMs) {
      this.local.set(key, cached);
      return this.answer(cached.skus, 'cache');
    }
    if (!cacheReadable) {
      // The shared cache is slow or down: this process's own copy, while still fresh, answers
      // as the shared one would have, so a cache outage does not send every request to the model.
      const copy = this.local.get(key);
      if (copy && now - copy.computedAt <= this.options.freshTtlMs)
        return this.answer(copy.skus, 'cache');
    }
    let suggested: ModelSuggestions;
    try {
      suggested = await this.options.modelBreaker.execute(() => {
        // Counted only when the call reaches the model: a call the open breaker refuses costs
        // the store nothing.
        this.metrics.computations.inc();
        return this.options.model.recommend(request.skus, request.limit);
      });
    } catch (e) {
      this.warn('co-purchase model unavailable', e);
      if (!cacheReadable) return this.fallback(key, request, 'cache_unavailable');
      const stale =
        cached && now - cached.computedAt <= this.options.staleTtlMs ? cached : undefined;
      return this.fallback(key, request, 'model_unavailable', stale);
    }
    const { skus, unknownSkus } = suggested;
    if (skus.length === 0) return this.fallback(key, request, 'cold_start');
    // An unknown SKU changes nothing in the answer but would make a new cache key: a flood of
    // made-up SKU lists must cost a computation each, not the cache's memory.
    if (unknownSkus.length > 0) return this.answer(skus, 'model');
    const fresh = { skus, computedAt: now };
    this.local.set(key, fresh);
    if (cacheReadable)
      await this.options.cacheBreaker
        .execute(() => this.options.cache.set(key, fresh))
        .catch((e: unknown) => this.warn('cache write failed', e));
    return this.answer(skus, 'model');
  }

  private fallback(
    key: string,
    request: RecommendationRequest,
    reason: Fallback,
    stale?: CachedRecommendation,
  ): Recommendations {
    const copy = reason === 'cold_start' ? undefined : (stale ?? this.local.get(key));
    if (copy) {
      this.metrics.fallbacks.inc({ source: 'stale-cache', reason });
      return this.answer(copy.skus, 'stale-cache');
    }
    this.metrics.fallbacks.inc({ source: 'bestsellers', reason });
    const skus = pickExcluding(this.options.staticBestsellers, request.skus, request.limit);
    return this.answer(skus, 'bestsellers');
  }

  private answer(skus: string[], source: RecommendationSource): Recommendations {
    this.metrics.answers.inc({ source });
    return { skus, source };
  }

  private warn(message: string, error: unknown): void {
    this.log('warn', message, { error: error instanceof Error ? error.message : String(error) });
  }
}
