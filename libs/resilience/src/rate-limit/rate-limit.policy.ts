/**
 * What happens to a route's requests while Redis (the shared bucket store) is unreachable or
 * slower than the command timeout:
 * - `fail-open`: every request is allowed. For tier-1 routes, where refusing a paying customer
 *   costs more than a short loss of per-client fairness. No local cap is applied on purpose: a
 *   rate limit is a fairness/quota tool, not overload protection — the adaptive concurrency
 *   limiter (load shedding) still protects the process and does not depend on Redis.
 *   (Envoy's global rate limit filter does the same with `failure_mode_deny: false`.)
 * - `local`: an in-process token bucket with the route's local policy enforces the limit per
 *   process (so N instances admit up to N × the local limit).
 * - `fail-closed`: every request is refused with 503 until Redis answers again — for routes
 *   where an unmetered call is worse than none (e.g. an expensive export).
 */
export type RateLimitFallback = 'fail-open' | 'local' | 'fail-closed';

/**
 * One route's token bucket: `limit` tokens (the burst), refilled continuously so that an empty
 * bucket is full again after `windowMs` — i.e. "`limit` requests per `windowMs`" in the IETF
 * RateLimit-Policy sense (`q` = limit, `w` = window in seconds).
 */
export interface RateLimitPolicy {
  /** Bucket capacity: the most requests a client may burst; the quota `q`. Integer >= 1. */
  limit: number;
  /** Time for an empty bucket to refill completely, in ms; the window `w`. >= 1000 (whole seconds). */
  windowMs: number;
  /** Behaviour while Redis cannot answer in time. Default `local`. */
  fallback?: RateLimitFallback;
  /** Policy used by the in-process fallback bucket (`local` only). Default: the policy itself. */
  localPolicy?: { limit: number; windowMs: number };
}

/** Where a decision came from: the shared Redis bucket or one of the fallback behaviours. */
export type RateLimitSource = 'redis' | 'local' | 'fail-open' | 'fail-closed';

/**
 * The outcome of one `consume` call: enough to answer 429 and to write the IETF `RateLimit`,
 * `RateLimit-Policy` and `Retry-After` headers.
 */
export interface RateLimitDecision {
  /** Whether the request may proceed. */
  allowed: boolean;
  /** Route (policy) name the decision applies to; also the IETF policy item name. */
  route: string;
  /** Bucket capacity (`q`). */
  limit: number;
  /** Window of the policy in ms (`w` × 1000). */
  windowMs: number;
  /** Whole tokens left after this request (`r`). */
  remaining: number;
  /** Ms until the bucket is full again (`t`). */
  resetMs: number;
  /** Ms until this request would be allowed; 0 when allowed. */
  retryAfterMs: number;
  /** Which store or fallback decided. */
  source: RateLimitSource;
}

/** Throws a `RangeError` unless `policy` is a usable bucket definition. */
export function validateRateLimitPolicy(route: string, policy: RateLimitPolicy): void {
  const check = (p: { limit: number; windowMs: number }, what: string) => {
    if (!Number.isInteger(p.limit) || p.limit < 1) {
      throw new RangeError(`rate limit ${what} of "${route}": limit must be an integer >= 1`);
    }
    if (!Number.isInteger(p.windowMs) || p.windowMs < 1000 || p.windowMs % 1000 !== 0) {
      throw new RangeError(
        `rate limit ${what} of "${route}": windowMs must be whole seconds (>= 1000)`,
      );
    }
  };
  check(policy, 'policy');
  if (policy.localPolicy) check(policy.localPolicy, 'local policy');
  const fallbacks: RateLimitFallback[] = ['fail-open', 'local', 'fail-closed'];
  if (policy.fallback !== undefined && !fallbacks.includes(policy.fallback)) {
    throw new RangeError(`rate limit policy of "${route}": unknown fallback "${policy.fallback}"`);
  }
}
