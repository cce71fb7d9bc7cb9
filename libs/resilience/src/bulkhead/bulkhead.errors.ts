import { ResilienceError } from '../resilience.errors';

/**
 * Every slot of the dependency's bulkhead is busy and its queue is full: rejected at once,
 * without waiting. Transient and never sent.
 */
export class BulkheadFullError extends ResilienceError {
  readonly code = 'RESILIENCE.BULKHEAD_FULL';
  readonly transient = true;
  readonly requestNotSent = true;

  constructor(
    /** Bulkhead (dependency) name. */
    readonly bulkhead: string,
  ) {
    super(`Bulkhead "${bulkhead}" is full`);
  }
}

/** The caller waited in the bulkhead queue for longer than allowed. Transient and never sent. */
export class BulkheadQueueTimeoutError extends ResilienceError {
  readonly code = 'RESILIENCE.BULKHEAD_QUEUE_TIMEOUT';
  readonly transient = true;
  readonly requestNotSent = true;

  constructor(
    /** Bulkhead (dependency) name. */
    readonly bulkhead: string,
    /** How long the caller waited, in milliseconds. */
    readonly waitedMs: number,
  ) {
    super(`Bulkhead "${bulkhead}": no slot within ${waitedMs} ms`);
  }
}
