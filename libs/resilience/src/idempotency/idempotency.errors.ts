import { retryAfterSeconds } from '../rate-limit/rate-limit-headers';
import { ResilienceError } from '../resilience.errors';

/** A mutating endpoint that requires an `Idempotency-Key` got none: HTTP 400. */
export class IdempotencyKeyMissingError extends ResilienceError {
  readonly code = 'IDEMPOTENCY.KEY_MISSING';
  readonly transient = false;
  /** HTTP status the edge answers with. */
  readonly httpStatus = 400;
  /** No extra response headers. */
  readonly headers: Record<string, string> = {};

  constructor(header = 'Idempotency-Key') {
    super(`this endpoint requires an ${header} header`);
  }
}

/** The `Idempotency-Key` header is not a usable key (empty or longer than 255 characters): HTTP 400. */
export class IdempotencyKeyInvalidError extends ResilienceError {
  readonly code = 'IDEMPOTENCY.KEY_INVALID';
  readonly transient = false;
  /** HTTP status the edge answers with. */
  readonly httpStatus = 400;
  /** No extra response headers. */
  readonly headers: Record<string, string> = {};

  constructor(reason: string) {
    super(`invalid Idempotency-Key: ${reason}`);
  }
}

/**
 * Another request with the same key is still executing: HTTP 409 with `Retry-After`. The
 * client should retry the same request later and will then get the stored response.
 */
export class IdempotencyInFlightError extends ResilienceError {
  readonly code = 'IDEMPOTENCY.IN_FLIGHT';
  readonly transient = true;
  /** HTTP status the edge answers with. */
  readonly httpStatus = 409;
  /** Response headers: `Retry-After`. */
  readonly headers: Record<string, string>;

  constructor(retryAfterMs: number) {
    super('a request with this Idempotency-Key is still being processed', { retryAfterMs });
    this.headers = { 'retry-after': String(retryAfterSeconds(retryAfterMs)) };
  }
}

/** The key was already used for a different request (other method, path or body): HTTP 422. */
export class IdempotencyKeyReusedError extends ResilienceError {
  readonly code = 'IDEMPOTENCY.KEY_REUSED';
  readonly transient = false;
  /** HTTP status the edge answers with. */
  readonly httpStatus = 422;
  /** No extra response headers. */
  readonly headers: Record<string, string> = {};

  constructor() {
    super('this Idempotency-Key was already used with a different request');
  }
}

/**
 * The key store did not answer, so the request cannot run safely (it might run twice): HTTP 503
 * with `Retry-After`. Raised by the Redis store unless the service maps the failure to its own
 * error.
 */
export class IdempotencyStoreUnavailableError extends ResilienceError {
  readonly code = 'IDEMPOTENCY.STORE_UNAVAILABLE';
  readonly transient = true;
  /** HTTP status the edge answers with. */
  readonly httpStatus = 503;
  /** Response headers: `Retry-After`. */
  readonly headers: Record<string, string>;

  constructor(cause: unknown, retryAfterMs = 1_000) {
    super('the idempotency key store is unavailable; try again shortly', { cause, retryAfterMs });
    this.headers = { 'retry-after': String(retryAfterSeconds(retryAfterMs)) };
  }
}
