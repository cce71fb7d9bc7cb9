/**
 * A fixed set of counters summed over a sliding time window, kept as `buckets` slices of
 * `durationMs / buckets` each (the same scheme as resilience4j's time-based window and Hystrix's
 * rolling counters). Adding is O(1); reading is O(1) after expiring the slices that fell out of
 * the window (at most `buckets` slices per call, usually none). The window slides in whole
 * slices, so a value ages out between `durationMs - sliceMs` and `durationMs` after it was added.
 *
 * Used by the time-based breaker window (calls, failures, slow calls) and by the retry budget
 * (requests, retries). Time is whatever monotonic milliseconds the caller passes in.
 */
export class RollingCounters {
  /** Width of one slice in milliseconds. */
  readonly sliceMs: number;
  private readonly slices: Float64Array[];
  private readonly totals: Float64Array;
  /** Index (time / sliceMs) of the newest slice; slices older than `buckets` are gone. */
  private head = Number.NEGATIVE_INFINITY;

  /**
   * @param channels number of independent counters
   * @param durationMs window length
   * @param buckets number of slices the window is cut into
   */
  constructor(
    readonly channels: number,
    readonly durationMs: number,
    readonly buckets: number,
  ) {
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError('channels must be >= 1');
    if (!Number.isInteger(buckets) || buckets < 1) throw new RangeError('buckets must be >= 1');
    if (!(durationMs >= buckets)) throw new RangeError('durationMs must be >= buckets');
    this.sliceMs = durationMs / buckets;
    this.slices = Array.from({ length: buckets }, () => new Float64Array(channels));
    this.totals = new Float64Array(channels);
  }

  /** Adds `amount` to counter `channel` at time `now`. */
  add(now: number, channel: number, amount = 1): void {
    this.advance(now);
    const slice = this.slices[this.head % this.buckets] as Float64Array;
    slice[channel] = (slice[channel] ?? 0) + amount;
    this.totals[channel] = (this.totals[channel] ?? 0) + amount;
  }

  /** Sum of counter `channel` over the window ending at `now`. */
  total(now: number, channel: number): number {
    this.advance(now);
    return this.totals[channel] ?? 0;
  }

  /** Forgets everything. */
  reset(): void {
    for (const slice of this.slices) slice.fill(0);
    this.totals.fill(0);
    this.head = Number.NEGATIVE_INFINITY;
  }

  private advance(now: number): void {
    const index = Math.floor(now / this.sliceMs);
    if (index <= this.head) return;
    if (index - this.head >= this.buckets) {
      for (const slice of this.slices) slice.fill(0);
      this.totals.fill(0);
    } else {
      for (let i = this.head + 1; i <= index; i++) this.clearSlice(i % this.buckets);
    }
    this.head = index;
  }

  private clearSlice(position: number): void {
    const slice = this.slices[position] as Float64Array;
    for (let c = 0; c < this.channels; c++) {
      this.totals[c] = (this.totals[c] ?? 0) - (slice[c] ?? 0);
      slice[c] = 0;
    }
  }
}
