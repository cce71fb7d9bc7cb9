/** Recommendations and whether they came from the fallback. */
export interface Recommendations {
  readonly skus: readonly string[];
  /** True when the static best-seller list answered instead of the service. */
  readonly degraded: boolean;
}

/**
 * The recommendations service (tier 3). Never throws: a slow or failing service is replaced by
 * a static best-seller list (and `degraded` says so).
 */
export interface RecommendationPort {
  /** Products often bought with `skus` (excluding them). */
  recommend(skus: readonly string[]): Promise<Recommendations>;
}

/** DI token of {@link RecommendationPort}. */
export const RECOMMENDATION_PORT = Symbol('RecommendationPort');
