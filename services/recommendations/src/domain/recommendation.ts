/**
 * Where an answer came from, from best to worst: freshly computed from the co-purchase model,
 * the shared cache (fresh), a stale cached copy (the model or Redis failed), or the static
 * best-seller list from config (nothing better was reachable, or the model knows nothing yet).
 */
export type RecommendationSource = 'model' | 'cache' | 'stale-cache' | 'bestsellers';

/** An answer: SKUs often bought with the requested ones, best first, and where it came from. */
export interface Recommendations {
  skus: string[];
  source: RecommendationSource;
}

/** A question: the SKUs in hand (a cart, an order) and how many suggestions are wanted. */
export interface RecommendationRequest {
  /** Distinct, sorted: two requests for the same SKUs in another order are the same request. */
  skus: string[];
  limit: number;
}

/** Bounds of a request, so one call cannot make the model read unbounded data. */
export const MAX_REQUEST_SKUS = 20;
export const MAX_LIMIT = 20;

/** Normalises the SKUs of a request: distinct and sorted, which makes equal requests equal. */
export function recommendationRequest(
  skus: readonly string[],
  limit: number,
): RecommendationRequest {
  return { skus: [...new Set(skus)].sort(), limit };
}

/** A stable key of a request (cache key and single-flight key). */
export function requestKey(request: RecommendationRequest): string {
  return `${request.limit}|${request.skus.join(',')}`;
}

/**
 * The first `limit` SKUs of `ranked` that are not in `exclude`: suggesting what the customer
 * already has is useless.
 */
export function pickExcluding(
  ranked: readonly string[],
  exclude: readonly string[],
  limit: number,
): string[] {
  const skip = new Set(exclude);
  const out: string[] = [];
  for (const sku of ranked) {
    if (out.length >= limit) break;
    if (!skip.has(sku)) {
      out.push(sku);
      skip.add(sku);
    }
  }
  return out;
}
