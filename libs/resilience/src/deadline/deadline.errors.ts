import { ResilienceError } from '../resilience.errors';

/**
 * The request's deadline has passed, or too little of it is left to start an attempt or a
 * retry. Not transient: retrying cannot help a request that is out of time. `requestNotSent`
 * says whether the refused attempt never reached the dependency (true when refused up front,
 * false when an attempt in flight was cut short by the deadline).
 */
export class DeadlineExceededError extends ResilienceError {
  readonly code = 'RESILIENCE.DEADLINE_EXCEEDED';
  readonly transient = false;

  constructor(
    /** Milliseconds that were left (≤ the configured minimum; may be negative). */
    readonly remainingMs: number,
    /** True when no request was sent for the refused attempt. */
    readonly requestNotSent: boolean,
    options?: { cause?: unknown; dependency?: string },
  ) {
    super(
      `Deadline exceeded${options?.dependency ? ` calling "${options.dependency}"` : ''}: ` +
        `${Math.max(0, Math.round(remainingMs))} ms left`,
      { cause: options?.cause },
    );
  }
}

/** An inbound deadline header is malformed (not a non-negative integer, or repeated). */
export class InvalidDeadlineHeaderError extends ResilienceError {
  readonly code = 'RESILIENCE.INVALID_DEADLINE_HEADER';
  readonly transient = false;

  constructor(
    /** Header name. */
    readonly header: string,
  ) {
    super(`Header "${header}" must be a single non-negative integer`);
  }
}
