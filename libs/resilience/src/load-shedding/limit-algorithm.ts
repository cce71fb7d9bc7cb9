/** One completed request as seen by a limit algorithm. */
export interface LimitSample {
  /** Round-trip time of the request in ms (admission to completion). */
  rttMs: number;
  /** Requests in flight when this one was admitted (including itself). */
  inflight: number;
  /** True when the request ended in a way that signals overload (timeout, rejection downstream). */
  dropped: boolean;
}

/**
 * An adaptive concurrency limit: it sees every completed request and moves the limit. Both
 * implementations follow Netflix's concurrency-limits library.
 */
export interface LimitAlgorithm {
  /** Current limit (may be fractional; the limiter floors it). */
  readonly limit: number;
  /** Feeds one sample; returns the new limit. */
  update(sample: LimitSample): number;
}

/** Bounds shared by the algorithms. */
export interface LimitBounds {
  /** Starting limit. */
  initialLimit: number;
  /** The limit never goes below this. */
  minLimit: number;
  /** The limit never goes above this. */
  maxLimit: number;
}

/** Throws a `RangeError` unless min <= initial <= max and min >= 1. */
export function validateBounds(name: string, b: LimitBounds): void {
  if (!(b.minLimit >= 1 && b.minLimit <= b.initialLimit && b.initialLimit <= b.maxLimit)) {
    throw new RangeError(`${name}: need 1 <= minLimit <= initialLimit <= maxLimit`);
  }
}
