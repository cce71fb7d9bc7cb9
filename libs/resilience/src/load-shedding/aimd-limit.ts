import {
  type LimitAlgorithm,
  type LimitBounds,
  type LimitSample,
  validateBounds,
} from './limit-algorithm';

/** Tuning of {@link AimdLimit}. */
export interface AimdOptions extends LimitBounds {
  /** Multiplier applied on a drop or a too-slow request. Default 0.9. */
  backoffRatio: number;
  /** A request slower than this (ms) counts as a drop. Default 5000. */
  timeoutMs: number;
}

const DEFAULTS: AimdOptions = {
  initialLimit: 20,
  minLimit: 20,
  maxLimit: 200,
  backoffRatio: 0.9,
  timeoutMs: 5000,
};

/**
 * Additive increase, multiplicative decrease (TCP congestion control; Netflix's AIMDLimit):
 * +1 per successful request while at least half the limit is in use, × `backoffRatio` on a
 * drop or a request slower than `timeoutMs`. Simpler and more predictable than Gradient2, but it
 * only reacts to drops/timeouts, not to rising latency.
 */
export class AimdLimit implements LimitAlgorithm {
  private readonly o: AimdOptions;
  private current: number;

  constructor(options: Partial<AimdOptions> = {}) {
    this.o = { ...DEFAULTS, ...options };
    validateBounds('AimdLimit', this.o);
    if (!(this.o.backoffRatio > 0 && this.o.backoffRatio < 1)) {
      throw new RangeError('AimdLimit: backoffRatio must be in (0, 1)');
    }
    this.current = this.o.initialLimit;
  }

  get limit(): number {
    return this.current;
  }

  update({ rttMs, inflight, dropped }: LimitSample): number {
    if (dropped || rttMs > this.o.timeoutMs) {
      this.current = Math.max(this.o.minLimit, this.current * this.o.backoffRatio);
    } else if (inflight * 2 >= this.current) {
      this.current = Math.min(this.o.maxLimit, this.current + 1);
    }
    return this.current;
  }
}
