import { ResilienceError } from '../resilience.errors';
import { rateLimitHeaders } from './rate-limit-headers';
import type { RateLimitDecision } from './rate-limit.policy';

/**
 * The client spent its quota on a route: HTTP 429 with `Retry-After` and the IETF RateLimit
 * headers. Not transient for the caller's retry loop (waiting `retryAfterMs` is the remedy).
 */
export class RateLimitedError extends ResilienceError {
  readonly code = 'RESILIENCE.RATE_LIMITED';
  readonly transient = false;
  /** HTTP status the edge answers with. */
  readonly httpStatus = 429;
  /** Response headers: `RateLimit`, `RateLimit-Policy`, `Retry-After`. */
  readonly headers: Record<string, string>;

  constructor(readonly decision: RateLimitDecision) {
    super(`rate limit of route "${decision.route}" exceeded`, {
      retryAfterMs: decision.retryAfterMs,
    });
    this.headers = rateLimitHeaders(decision);
  }
}

/**
 * A `fail-closed` route was called while its rate-limit store could not answer: HTTP 503 with
 * `Retry-After`. Transient: the store is expected back.
 */
export class RateLimiterUnavailableError extends ResilienceError {
  readonly code = 'RESILIENCE.RATE_LIMITER_UNAVAILABLE';
  readonly transient = true;
  /** HTTP status the edge answers with. */
  readonly httpStatus = 503;
  /** Response headers: `Retry-After`. */
  readonly headers: Record<string, string>;

  constructor(readonly decision: RateLimitDecision) {
    super(`rate limiter for route "${decision.route}" is unavailable and the route fails closed`, {
      retryAfterMs: decision.retryAfterMs,
    });
    this.headers = rateLimitHeaders(decision);
  }
}
