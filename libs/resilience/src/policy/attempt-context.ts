/** What the composed policy hands to the operation on each attempt. */
export interface AttemptContext {
  /** Fires on attempt timeout, deadline or caller cancellation: pass it to fetch, pg, etc. */
  readonly signal: AbortSignal;
  /** 1-based attempt number. */
  readonly attempt: number;
  /**
   * Epoch ms at which this attempt is abandoned: min(attempt timeout, request deadline). Send
   * it downstream (the HTTP client writes it as `x-request-timeout-ms`) so the next hop does not
   * work past the moment nobody waits for its answer any more.
   */
  readonly deadlineAt: number;
}

/** The operation a policy protects. */
export type PolicyOperation<T> = (attempt: AttemptContext) => Promise<T>;
