import { RollingCounters } from './rolling-counters';

/** Call counts a breaker decides on. */
export interface OutcomeTotals {
  calls: number;
  failures: number;
  slow: number;
}

/** Sliding window of call outcomes (count- or time-based) that a breaker trips on. */
export interface OutcomeWindow {
  /** Records one finished call at monotonic time `now`. */
  record(now: number, failed: boolean, slow: boolean): void;
  /** Totals over the window at `now`; the returned object is reused, read it immediately. */
  totals(now: number): OutcomeTotals;
  /** Forgets every recorded call. */
  reset(): void;
}

const FAILED = 1;
const SLOW = 2;

/** The last `size` calls, whatever their age (resilience4j's COUNT_BASED window). */
export class CountOutcomeWindow implements OutcomeWindow {
  private readonly ring: Uint8Array;
  private next = 0;
  private readonly sums: OutcomeTotals = { calls: 0, failures: 0, slow: 0 };

  constructor(readonly size: number) {
    this.ring = new Uint8Array(size);
  }

  record(_now: number, failed: boolean, slow: boolean): void {
    const sums = this.sums;
    if (sums.calls === this.size) {
      const evicted = this.ring[this.next] ?? 0;
      if (evicted & FAILED) sums.failures--;
      if (evicted & SLOW) sums.slow--;
    } else {
      sums.calls++;
    }
    this.ring[this.next] = (failed ? FAILED : 0) | (slow ? SLOW : 0);
    if (failed) sums.failures++;
    if (slow) sums.slow++;
    this.next = (this.next + 1) % this.size;
  }

  totals(): OutcomeTotals {
    return this.sums;
  }

  reset(): void {
    this.ring.fill(0);
    this.next = 0;
    this.sums.calls = this.sums.failures = this.sums.slow = 0;
  }
}

const CALLS = 0;
const FAILURES = 1;
const SLOW_CALLS = 2;

/** Calls of the last `durationMs`, in `buckets` slices (resilience4j's TIME_BASED window). */
export class TimeOutcomeWindow implements OutcomeWindow {
  private readonly counters: RollingCounters;
  private readonly sums: OutcomeTotals = { calls: 0, failures: 0, slow: 0 };

  constructor(durationMs: number, buckets: number) {
    this.counters = new RollingCounters(3, durationMs, buckets);
  }

  record(now: number, failed: boolean, slow: boolean): void {
    this.counters.add(now, CALLS);
    if (failed) this.counters.add(now, FAILURES);
    if (slow) this.counters.add(now, SLOW_CALLS);
  }

  totals(now: number): OutcomeTotals {
    this.sums.calls = this.counters.total(now, CALLS);
    this.sums.failures = this.counters.total(now, FAILURES);
    this.sums.slow = this.counters.total(now, SLOW_CALLS);
    return this.sums;
  }

  reset(): void {
    this.counters.reset();
  }
}
