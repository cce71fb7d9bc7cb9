import { isResilienceError, type ResilienceError } from '../resilience.errors';

/**
 * The contract between the toolkit and the platform's problem+json filter: every error the
 * inbound adapter raises (and every toolkit error meant for HTTP) is a {@link ResilienceError}
 * with `code` (stable), `httpStatus`, `headers` (to copy onto the response, e.g. `Retry-After`,
 * `RateLimit`, `x-retry`) and optionally `retryAfterMs`. See docs/inbound.md.
 */
export type HttpMappedError = ResilienceError & {
  readonly httpStatus: number;
  readonly headers: Readonly<Record<string, string>>;
};

/** True when `e` is a toolkit error that says how to answer it over HTTP. */
export function isHttpMappedError(e: unknown): e is HttpMappedError {
  if (!isResilienceError(e)) return false;
  const { httpStatus, headers } = e as { httpStatus?: unknown; headers?: unknown };
  return typeof httpStatus === 'number' && typeof headers === 'object' && headers !== null;
}
