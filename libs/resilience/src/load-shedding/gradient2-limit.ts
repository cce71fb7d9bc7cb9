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
  /** How much latency above the baseline is tolerated before the limit shrinks. Default 1.5. */
  rttTolerance: number;
  /** Headroom added each update so the limit can probe upwards. Default 4. */
  queueSize: number;
}

const DEFAULTS: Gradient2Options = {
  initialLimit: 20,
  minLimit: 20,
  maxLimit: 200,
  smoothing: 0.2,
  longWindow: 600,
  rttTolerance: 1.5,
  queueSize: 4,
};

/**
 * Gradient2 (Netflix concurrency-limits): compares the latest RTT with a long exponential
 * average of RTTs. While latency stays within `rttTolerance` of the average the limit grows by
 * `queueSize`; when latency rises (queueing somewhere) the gradient `tolerance × long / short`
 * falls below 1 and the limit shrinks — by at most half per update so one outlier cannot
 * collapse it. When latency drops far below the average (recovery after a long overload) the
 * average itself is pulled down faster so the limit can grow back. A service that is not
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
    const longRtt = this.addToLongRtt(shortRtt);
    if (longRtt / shortRtt > 2) this.longRtt *= 0.95;
    if (inflight < this.estimated / 2) return this.estimated;

    const gradient = Math.max(0.5, Math.min(1, (this.o.rttTolerance * longRtt) / shortRtt));
    const target = this.estimated * gradient + this.o.queueSize;
    const smoothed = this.estimated * (1 - this.o.smoothing) + target * this.o.smoothing;
    this.estimated = Math.max(this.o.minLimit, Math.min(this.o.maxLimit, smoothed));
    return this.estimated;
  }

  /** Exponential average with a warm-up (plain mean of the first 10 samples), as Netflix does. */
  private addToLongRtt(rtt: number): number {
    this.samples++;
    if (this.samples <= 10) {
      this.longRtt += (rtt - this.longRtt) / this.samples;
    } else {
      const factor = 2 / (this.o.longWindow + 1);
      this.longRtt = this.longRtt * (1 - factor) + rtt * factor;
    }
    return this.longRtt;
  }
}
