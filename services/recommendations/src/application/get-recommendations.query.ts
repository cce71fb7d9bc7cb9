import { silentLogger, type MessagingLogger } from '@rc/messaging';
import type { CircuitBreaker, Clock } from '@rc/resilience';
import type { Registry } from 'prom-client';
import type { CoPurchaseModel } from '../domain/co-purchase-model.port';
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
   * Breaker around every Redis call: once Redis has proven slow or failing, answers come from
   * the fallbacks at once instead of each request waiting out the command timeout.
   */
  redisBreaker: CircuitBreaker;
  clock: Clock;
  registry: Registry;
  logger?: MessagingLogger;
}

type Fallback = 'cache_unavailable' | 'model_unavailable' | 'cold_start';

/**
 * Products often bought with the given ones. Always answers, never throws: a tier-3 feature
 * must not turn its own trouble into its callers' errors. In order:
 * 1. a fresh answer from the shared Redis cache (`cache`);
 * 2. otherwise the model computes it (`model`) and the cache keeps it;
 * 3. when the model (Redis) fails, a stale copy from the shared cache or, when Redis cannot
 *    even be read, from this process's own copy (`stale-cache`);
 * 4. otherwise, and when the model has learnt nothing yet, the static best-sellers from config
 *    (`bestsellers`).
 * Identical concurrent requests share one run of all this (single flight), so an expired entry
 * under load costs one model computation, not one per request. Every Redis call goes through a
 * circuit breaker, so a slow Redis costs a few timeouts, then nothing. Fallbacks are counted.
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
    try {
      cached = await this.redis(() => this.options.cache.get(key));
    } catch (e) {
      // Redis cannot be read: the model lives there too, so do not wait for it a second time.
      this.warn('recommendation cache unavailable', e);
      return this.fallback(key, request, 'cache_unavailable');
    }
    const now = this.options.clock.now();
    if (cached && now - cached.computedAt <= this.options.freshTtlMs) {
      this.local.set(key, cached);
      return this.answer(cached.skus, 'cache');
    }
    let skus: string[];
    try {
      this.metrics.computations.inc();
      skus = await this.redis(() => this.options.model.recommend(request.skus, request.limit));
    } catch (e) {
      this.warn('co-purchase model unavailable', e);
      const stale =
        cached && now - cached.computedAt <= this.options.staleTtlMs ? cached : undefined;
      return this.fallback(key, request, 'model_unavailable', stale);
    }
    if (skus.length === 0) return this.fallback(key, request, 'cold_start');
    const fresh = { skus, computedAt: now };
    this.local.set(key, fresh);
    await this.redis(() => this.options.cache.set(key, fresh)).catch((e: unknown) =>
      this.warn('cache write failed', e),
    );
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

  private redis<T>(call: () => Promise<T>): Promise<T> {
    return this.options.redisBreaker.execute(call);
  }

  private answer(skus: string[], source: RecommendationSource): Recommendations {
    this.metrics.answers.inc({ source });
    return { skus, source };
  }

  private warn(message: string, error: unknown): void {
    this.log('warn', message, { error: error instanceof Error ? error.message : String(error) });
  }
}
