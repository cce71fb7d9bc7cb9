import { ResilienceError } from '../resilience.errors';

/**
 * One attempt took longer than its attempt timeout and was abandoned (its AbortSignal fired).
 * Transient: another attempt may be faster. The request was sent, so a non-idempotent call is
 * only retried when it carries an idempotency key.
 */
export class AttemptTimeoutError extends ResilienceError {
  readonly code = 'RESILIENCE.ATTEMPT_TIMEOUT';
  readonly transient = true;
  readonly requestNotSent = false;

  constructor(
    /** The timeout that elapsed, in milliseconds. */
    readonly timeoutMs: number,
    /** Dependency called, when known. */
    readonly dependency?: string,
  ) {
    super(`Attempt${dependency ? ` to "${dependency}"` : ''} timed out after ${timeoutMs} ms`);
  }
}
