import { ResilienceError } from '../resilience.errors';

/**
 * The breaker refused the call without running it: it is open, or half-open with every probe
 * slot taken. `retryAfterMs` is the time until the breaker half-opens (absent while half-open).
 * Transient (a later call may pass) and never sent, so retrying it is safe even for a
 * non-idempotent request — the retry budget still limits how often that happens.
 */
export class CircuitOpenError extends ResilienceError {
  readonly code = 'RESILIENCE.CIRCUIT_OPEN';
  readonly transient = true;
  /** The call never reached the dependency. */
  readonly requestNotSent = true;

  constructor(
    /** Name of the breaker (the dependency it protects). */
    readonly breaker: string,
    retryAfterMs?: number,
  ) {
    super(
      retryAfterMs === undefined
        ? `Circuit breaker "${breaker}" is half-open and all probe calls are in flight`
        : `Circuit breaker "${breaker}" is open; next probe in ${retryAfterMs} ms`,
      retryAfterMs === undefined ? undefined : { retryAfterMs },
    );
  }
}
