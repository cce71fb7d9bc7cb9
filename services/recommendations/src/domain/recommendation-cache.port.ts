/** A cached answer and when it was computed (epoch ms): fresh or stale is the reader's call. */
export interface CachedRecommendation {
  skus: string[];
  computedAt: number;
}

/**
 * Port of the shared response cache (Redis). Entries live as long as the stale window; the
 * reader decides freshness from `computedAt`. Both methods reject when the store fails.
 */
export interface RecommendationCache {
  get(key: string): Promise<CachedRecommendation | undefined>;
  set(key: string, value: CachedRecommendation): Promise<void>;
}

/** DI token of the {@link RecommendationCache}. */
export const RECOMMENDATION_CACHE = Symbol('RecommendationCache');
