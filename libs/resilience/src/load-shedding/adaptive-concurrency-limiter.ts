import { type Registry, register as defaultRegistry } from 'prom-client';
import { type Clock, systemClock } from '../clock';
import { counter, gauge } from '../metrics';
import { recordShed } from '../tracing/resilience-events';
import {
  CRITICALITIES,
  type Criticality,
  type CriticalityShares,
  DEFAULT_CRITICALITY_SHARES,
} from './criticality';
import { Gradient2Limit } from './gradient2-limit';
import type { LimitAlgorithm } from './limit-algorithm';
import { LoadShedError } from './load-shed.error';

/** How a request ended, for the limit algorithm (Netflix: onSuccess / onIgnore / onDropped). */
export type PermitOutcome = 'success' | 'ignore' | 'dropped';

/** A slot of the concurrency limit, held for the lifetime of one request. */
export interface Permit {
  /** Frees the slot and, unless `ignore`, feeds the request's RTT to the algorithm. Idempotent. */
  release(outcome: PermitOutcome): void;
}

/** Configuration of an {@link AdaptiveConcurrencyLimiter}. */
export interface AdaptiveConcurrencyLimiterOptions {
  /** Name used as the `limiter` metric label, e.g. the service name. */
  name: string;
  /** Limit algorithm. Default: {@link Gradient2Limit} with Netflix's defaults. */
  algorithm?: LimitAlgorithm;
  /** Share of the limit each criticality may fill. Default {@link DEFAULT_CRITICALITY_SHARES}. */
  shares?: Partial<CriticalityShares>;
  /** `Retry-After` suggested to shed clients, in ms. Default 1000. */
  retryAfterMs?: number;
  clock?: Clock;
  registry?: Registry;
}

/**
 * Inbound admission control with an adaptive concurrency limit. Each admitted request holds a
 * {@link Permit}; its round-trip time moves the limit (Gradient2 by default). Admission is
 * partitioned by criticality: a request is admitted only while the requests in flight (of all
 * classes) stay below its class's share of the limit, so as load rises SHEDDABLE work is
 * refused first, then DEGRADED, and CRITICAL last. Refusal never queues: it throws
 * {@link LoadShedError} immediately, because a queue in front of an overloaded service only
 * adds latency to work that will time out anyway.
 */
export class AdaptiveConcurrencyLimiter {
  private readonly algorithm: LimitAlgorithm;
  private readonly shares: CriticalityShares;
  private readonly clock: Clock;
  private readonly retryAfterMs: number;
  private inFlight = 0;
  private readonly limitGauge;
  private readonly inflightGauge;
  private readonly shed;
  private readonly admitted;

  constructor(private readonly options: AdaptiveConcurrencyLimiterOptions) {
    this.algorithm = options.algorithm ?? new Gradient2Limit();
    this.shares = { ...DEFAULT_CRITICALITY_SHARES, ...options.shares };
    for (const [c, share] of Object.entries(this.shares)) {
      if (!(share > 0 && share <= 1)) throw new RangeError(`share of ${c} must be in (0, 1]`);
    }
    this.clock = options.clock ?? systemClock;
    this.retryAfterMs = options.retryAfterMs ?? 1000;
    const registry = options.registry ?? defaultRegistry;
    const limiter = ['limiter'] as const;
    this.limitGauge = gauge(registry, {
      name: 'resilience_load_shedding_limit',
      help: 'Current adaptive concurrency limit.',
      labelNames: limiter,
    });
    this.inflightGauge = gauge(registry, {
      name: 'resilience_load_shedding_inflight',
      help: 'Requests currently holding a concurrency permit.',
      labelNames: limiter,
    });
    const byClass = ['limiter', 'criticality'] as const;
    this.shed = counter(registry, {
      name: 'resilience_load_shedding_shed_total',
      help: 'Requests refused by the adaptive concurrency limit, by criticality.',
      labelNames: byClass,
    });
    this.admitted = counter(registry, {
      name: 'resilience_load_shedding_admitted_total',
      help: 'Requests admitted by the adaptive concurrency limit, by criticality.',
      labelNames: byClass,
    });
    // Every class's series exists from the start, at 0: the first shed is then an increase that
    // rate() and the alert on CRITICAL sheds see, not a new series that appears already at 1.
    for (const criticality of CRITICALITIES) {
      const labels = { limiter: options.name, criticality };
      this.shed.inc(labels, 0);
      this.admitted.inc(labels, 0);
    }
    this.publish();
  }

  /** Current concurrency limit (whole requests). */
  get limit(): number {
    return Math.max(1, Math.floor(this.algorithm.limit));
  }

  /** Requests currently holding a permit. */
  get inflight(): number {
    return this.inFlight;
  }

  /** Most requests that may be in flight while one of `criticality` is still admitted. */
  capacityFor(criticality: Criticality): number {
    const share = this.shares[criticality];
    return criticality === 'CRITICAL'
      ? Math.max(1, Math.floor(this.limit * share))
      : Math.floor(this.limit * share);
  }

  /** A permit, or undefined when a request of `criticality` must be shed now. */
  tryAcquire(criticality: Criticality): Permit | undefined {
    const labels = { limiter: this.options.name, criticality };
    if (this.inFlight >= this.capacityFor(criticality)) {
      this.shed.inc(labels);
      recordShed('concurrency_limit', criticality, { limiter: this.options.name });
      return undefined;
    }
    this.admitted.inc(labels);
    this.inFlight++;
    this.publish();
    return this.permit(this.inFlight);
  }

  /** A permit, or throws {@link LoadShedError} at once when the request must be shed. */
  acquire(criticality: Criticality): Permit {
    const permit = this.tryAcquire(criticality);
    if (!permit) throw new LoadShedError(this.options.name, criticality, this.retryAfterMs);
    return permit;
  }

  /**
   * Runs `fn` under a permit. A result is a `success` sample; an error is `dropped` when
   * `isDrop(error)` says it signals overload (e.g. a timeout), otherwise `ignore`d.
   */
  async run<T>(
    criticality: Criticality,
    fn: () => Promise<T>,
    isDrop: (error: unknown) => boolean = () => false,
  ): Promise<T> {
    const permit = this.acquire(criticality);
    try {
      const result = await fn();
      permit.release('success');
      return result;
    } catch (e) {
      permit.release(isDrop(e) ? 'dropped' : 'ignore');
      throw e;
    }
  }

  private permit(inflightAtStart: number): Permit {
    const startedAt = this.clock.monotonic();
    let released = false;
    return {
      release: (outcome) => {
        if (released) return;
        released = true;
        this.inFlight--;
        if (outcome !== 'ignore') {
          this.algorithm.update({
            rttMs: this.clock.monotonic() - startedAt,
            inflight: inflightAtStart,
            dropped: outcome === 'dropped',
          });
        }
        this.publish();
      },
    };
  }

  private publish(): void {
    const labels = { limiter: this.options.name };
    this.limitGauge.set(labels, this.limit);
    this.inflightGauge.set(labels, this.inFlight);
  }
}
