import type { Clock } from '@rc/resilience';
import type { RecommendationPort, Recommendations } from '../domain/ports/recommendation.port';
import { ReadThroughCache } from './read-through-cache';

/** Options of {@link CachedRecommendations}. */
export interface CachedRecommendationsOptions {
  /** How long an answer of the service serves later orders of the same SKUs, ms; 0 = off. */
  ttlMs: number;
  /** Most SKU sets kept; the least recently used goes first. */
  maxEntries: number;
  clock?: Clock;
  /** Told of each lookup: `hit` (answered here) or `miss` (asked the service). */
  onLookup?: (result: 'hit' | 'miss') => void;
}

/**
 * The recommendations service's answers kept in this process for `ttlMs`, by the order's set of
 * SKUs: every confirmed checkout asks for them, and they are tier-3 data that the service itself
 * learns from Kafka events seconds after each order, so an answer a few seconds old is as good
 * as a fresh one, and most checkouts skip the HTTP call. Only the service's own answers are kept:
 * a fallback (the static best-seller list, `degraded`) asks again on the next checkout, so a
 * failing service is noticed — and counted — as before, and answers come back as soon as it
 * does. Bounded: memory stays flat whatever SKU sets clients send.
 */
export class CachedRecommendations implements RecommendationPort {
  private readonly cache: ReadThroughCache<Recommendations>;

  constructor(
    private readonly source: RecommendationPort,
    options: CachedRecommendationsOptions,
  ) {
    this.cache = new ReadThroughCache({ name: 'recommendations cache', ...options });
  }

  /** SKU sets held. */
  get size(): number {
    return this.cache.size;
  }

  recommend(skus: readonly string[]): Promise<Recommendations> {
    return this.cache.read(
      [...new Set(skus)].sort().join(','),
      () => this.source.recommend(skus),
      (answer) => !answer.degraded,
    );
  }
}
