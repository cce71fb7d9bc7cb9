import {
  type LimitAlgorithm,
  type LimitBounds,
  type LimitSample,
  validateBounds,
} from './limit-algorithm';

/** Tuning of {@link Gradient2Limit}; defaults are Netflix's. */
export interface Gradient2Options extends LimitBounds {
  /** Fraction of the way the limit moves towards its new estimate per sample. Default 0.2. */
  smoothing: number;
  /** Samples in the long-term RTT average (the "no load" baseline). Default 600. */
  longWindow: number;
  /**
   * Samples in the long-term average while latency shows queueing (an RTT above `rttTolerance`
   * × the average). Default 12 000: the baseline learns a lasting change in latency within
   * minutes, but a sustained overload does not become the new "no load" latency within seconds
   * — with the plain `longWindow` the average catches up with the overloaded RTT, the gradient
   * returns to 1 and the limit climbs back to its maximum while the service is still saturated
   * (measured on checkout at 3× capacity: 20 → 200 in ~25 s, p99 2.2 s).
   */
  queueingWindow: number;
  /** How much latency above the baseline is tolerated before the limit shrinks. Default 1.5. */
  rttTolerance: number;
  /** Headroom added each update so the limit can probe upwards. Default 4. */
  queueSize: number;
  /**
   * Round-trip time, ms, that never counts as queueing whatever the baseline (default 0: none,
   * Netflix's behaviour). A service whose latency objective is far above its no-load latency —
   * checkout's saga takes ~25 ms idle and has a 1 s objective — otherwise sheds as soon as a busy
   * machine makes it 1.5× slower, long before its objective is at risk; with an objective the
   * limit grows while RTTs stay below it and shrinks when they pass it and the baseline.
   */
  rttObjectiveMs: number;
}

const DEFAULTS: Gradient2Options = {
  initialLimit: 20,
  minLimit: 20,
  maxLimit: 200,
  smoothing: 0.2,
  longWindow: 600,
  queueingWindow: 12_000,
  rttTolerance: 1.5,
  queueSize: 4,
  rttObjectiveMs: 0,
};

/**
 * Gradient2 (Netflix concurrency-limits): compares the latest RTT with a long exponential
 * average of RTTs. While latency stays within `rttTolerance` of the average the limit grows by
 * `queueSize`; when latency rises (queueing somewhere) the gradient `tolerance × long / short`
 * falls below 1 and the limit shrinks — by at most half per update so one outlier cannot
 * collapse it. While latency shows queueing the average learns 20× more slowly
 * (`queueingWindow`), so a sustained overload does not become the baseline; when latency drops
 * far below the average (recovery after a long overload) the average itself is pulled down
 * faster so the limit can grow back. A service that is not
 * using half of its limit ("app limited") learns nothing about capacity, so the limit is kept.
 */
export class Gradient2Limit implements LimitAlgorithm {
  private readonly o: Gradient2Options;
  private estimated: number;
  private longRtt = 0;
  private samples = 0;

  constructor(options: Partial<Gradient2Options> = {}) {
    this.o = { ...DEFAULTS, ...options };
    validateBounds('Gradient2Limit', this.o);
    this.estimated = this.o.initialLimit;
  }

  get limit(): number {
    return this.estimated;
  }

  update({ rttMs, inflight }: LimitSample): number {
    const shortRtt = Math.max(rttMs, 1e-3);
    const queueing =
      this.samples >= 10 &&
      shortRtt > Math.max(this.o.rttTolerance * this.longRtt, this.o.rttObjectiveMs);
    const longRtt = this.addToLongRtt(
      shortRtt,
      queueing ? this.o.queueingWindow : this.o.longWindow,
    );
    if (longRtt / shortRtt > 2) this.longRtt *= 0.95;
    if (inflight < this.estimated / 2) return this.estimated;

    const tolerated = Math.max(this.o.rttTolerance * longRtt, this.o.rttObjectiveMs);
    const gradient = Math.max(0.5, Math.min(1, tolerated / shortRtt));
    const target = this.estimated * gradient + this.o.queueSize;
    const smoothed = this.estimated * (1 - this.o.smoothing) + target * this.o.smoothing;
    this.estimated = Math.max(this.o.minLimit, Math.min(this.o.maxLimit, smoothed));
    return this.estimated;
  }

  /** Exponential average with a warm-up (plain mean of the first 10 samples), as Netflix does. */
  private addToLongRtt(rtt: number, window: number): number {
    this.samples++;
    if (this.samples <= 10) {
      this.longRtt += (rtt - this.longRtt) / this.samples;
    } else {
      const factor = 2 / (window + 1);
      this.longRtt = this.longRtt * (1 - factor) + rtt * factor;
    }
    return this.longRtt;
  }
}
