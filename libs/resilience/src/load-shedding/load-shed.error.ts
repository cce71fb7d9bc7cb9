import { ResilienceError } from '../resilience.errors';
import { retryAfterSeconds } from '../rate-limit/rate-limit-headers';
import type { Criticality } from './criticality';

/**
 * The service is at its concurrency limit for this request's criticality and refused it at
 * once: HTTP 503 with `Retry-After` and `x-retry: no`. The latter tells upstream retry policies
 * not to retry immediately — retrying shed work is how an overload turns into a retry storm.
 * For the same reason `transient` is false: no in-process retry loop should re-run it.
 */
export class LoadShedError extends ResilienceError {
  readonly code = 'RESILIENCE.LOAD_SHED';
  readonly transient = false;
  /** HTTP status the edge answers with. */
  readonly httpStatus = 503;
  /** Response headers: `Retry-After` (seconds) and `x-retry: no`. */
  readonly headers: Record<string, string>;

  constructor(
    readonly limiter: string,
    readonly criticality: Criticality,
    retryAfterMs: number,
  ) {
    super(`"${limiter}" is overloaded: ${criticality} request shed`, { retryAfterMs });
    this.headers = { 'retry-after': String(retryAfterSeconds(retryAfterMs)), 'x-retry': 'no' };
  }
}
