import { DeadlineExceededError, InvalidDeadlineHeaderError } from '../deadline';

/**
 * The request's deadline passed — on arrival, or while the handler waited on a dependency that
 * was refused for lack of time: HTTP 504. A {@link DeadlineExceededError} (same code
 * `RESILIENCE.DEADLINE_EXCEEDED`) that also carries the HTTP mapping.
 */
export class RequestDeadlineExceededError extends DeadlineExceededError {
  /** HTTP status the edge answers with. */
  readonly httpStatus = 504;
  /** No extra response headers. */
  readonly headers: Record<string, string> = {};
}

/** The `x-request-timeout-ms` header is malformed: HTTP 400 (code `RESILIENCE.INVALID_DEADLINE_HEADER`). */
export class RequestDeadlineHeaderError extends InvalidDeadlineHeaderError {
  /** HTTP status the edge answers with. */
  readonly httpStatus = 400;
  /** No extra response headers. */
  readonly headers: Record<string, string> = {};
}
