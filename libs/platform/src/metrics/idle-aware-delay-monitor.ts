import perfHooks, {
  createHistogram,
  performance,
  type EventLoopUtilization,
  type RecordableHistogram,
} from 'node:perf_hooks';
import { collectDefaultMetrics, type Registry } from 'prom-client';

/** Options of {@link IdleAwareDelayMonitor}. */
export interface IdleAwareDelayMonitorOptions {
  /** Sampling period while the event loop is busy, ms. */
  busyPeriodMs: number;
  /** Sampling period at rest, ms. Default 1 000. */
  restPeriodMs?: number;
  /**
   * Share of a window of `restPeriodMs` the event loop must have been busy (event-loop
   * utilisation) for the busy period to apply. Default 0.05: 50 ms of work in a second, ~10
   * requests. A service with no traffic reads 0.3–0.6 % on average, but its background work (the
   * consumer-lag sample every 15 s, Kafka fetches and heartbeats, relay polls) puts single seconds
   * at a few per cent: at 0.5 % and 2 % some services went on sampling at 50 ms most of the time
   * at rest (`strace`).
   */
  busyUtilisation?: number;
  /** Quiet time, ms, before the sampling goes back to the rest period. Default 3 000. */
  quietBeforeRestMs?: number;
  /**
   * Called each time the loop comes to rest after being busy (e.g. `HeapReleaseAtRest`), with
   * how long it had been busy, ms (from the first busy window to the last one).
   */
  onRest?: (busyForMs: number) => void;
}

/**
 * Event-loop delay, sampled often only while there is work to delay.
 *
 * Node's `monitorEventLoopDelay` wakes the process every `resolution` ms for as long as it is
 * enabled: 20 times a second at 50 ms, in every service, with no traffic at all. That was the
 * largest part of an idle service's CPU. This monitor samples the same way (a timer of a known
 * period; what it fires late by is how long the loop was held up) but with a period that follows
 * the load:
 *
 * - every `busyPeriodMs` (50 ms) while the event loop is busy: its utilisation over the last
 *   window of `restPeriodMs` at least `busyUtilisation`;
 * - every `restPeriodMs` (1 s) once it has been quiet for `quietBeforeRestMs`. What is given up:
 *   at rest a stall is recorded only if it spans a sample's due time (a 300 ms one in 3 of 10
 *   cases, one of a second or more always), where a 50 ms period catches any stall of 50 ms; the
 *   work of the stall switches sampling to the busy period for the next one. Under load, where
 *   lag hurts and the panels and alerts look, nothing changes.
 *
 * All samples go into one histogram, which a scrape reads and then resets. It has the members of
 * Node's `IntervalHistogram` that prom-client's event-loop collector reads, so that collector is
 * given this monitor ({@link collectDefaultMetricsIdleAware}) and `nodejs_eventloop_lag_*` keep
 * their names and meaning.
 */
export class IdleAwareDelayMonitor {
  private readonly samples: RecordableHistogram = createHistogram();
  private readonly busyPeriodMs: number;
  private readonly restPeriodMs: number;
  private readonly busyUtilisation: number;
  private readonly quietBeforeRestMs: number;
  private readonly onRest: ((busyForMs: number) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private due = 0;
  /** The utilisation window: its start and the loop's utilisation counters then. */
  private windowStart = 0;
  private windowUtilisation: EventLoopUtilization | undefined;
  private quietMs = 0;
  private busy = false;
  /** When the current busy period began, and when its last busy window ended (ms). */
  private busySince = 0;
  private lastBusyAt = 0;
  /** When the loop last came to rest (ms; the monitor starts at rest). */
  private restSince = performance.now();

  constructor(options: IdleAwareDelayMonitorOptions) {
    this.busyPeriodMs = options.busyPeriodMs;
    this.restPeriodMs = options.restPeriodMs ?? 1_000;
    this.busyUtilisation = options.busyUtilisation ?? 0.05;
    this.quietBeforeRestMs = options.quietBeforeRestMs ?? 3_000;
    this.onRest = options.onRest;
  }

  /** Starts sampling (at the rest period). False when it was running. */
  enable(): boolean {
    if (this.timer) return false;
    this.windowStart = performance.now();
    this.windowUtilisation = performance.eventLoopUtilization();
    this.schedule();
    return true;
  }

  /** Stops sampling. False when it was not running. */
  disable(): boolean {
    if (!this.timer) return false;
    clearTimeout(this.timer);
    this.timer = undefined;
    return true;
  }

  /** The period sampling runs at now. */
  get period(): 'busy' | 'rest' {
    return this.busy ? 'busy' : 'rest';
  }

  /** How long the loop has been at rest, ms (0 while busy). */
  get restingForMs(): number {
    return this.busy ? 0 : performance.now() - this.restSince;
  }

  /** Samples since the last reset. */
  get count(): number {
    return this.samples.count;
  }

  /** Shortest delay since the last reset, ns (0 without samples). */
  get min(): number {
    return this.samples.count === 0 ? 0 : this.samples.min;
  }

  /** Longest delay since the last reset, ns. */
  get max(): number {
    return this.samples.count === 0 ? 0 : this.samples.max;
  }

  /** Mean delay since the last reset, ns. */
  get mean(): number {
    return this.samples.count === 0 ? 0 : this.samples.mean;
  }

  /** Standard deviation of the delays since the last reset, ns. */
  get stddev(): number {
    return this.samples.count === 0 ? 0 : this.samples.stddev;
  }

  /** The delay at percentile `p` since the last reset, ns. */
  percentile(p: number): number {
    return this.samples.count === 0 ? 0 : this.samples.percentile(p);
  }

  /** Starts a new scrape period. */
  reset(): void {
    this.samples.reset();
  }

  private schedule(): void {
    const period = this.busy ? this.busyPeriodMs : this.restPeriodMs;
    this.due = performance.now() + period;
    this.timer = setTimeout(() => this.sample(), period);
    // Metrics never keep a process alive.
    this.timer.unref();
  }

  private sample(): void {
    const now = performance.now();
    this.samples.record(Math.max(1, Math.round((now - this.due) * 1e6)));
    // Busy or quiet is decided over windows of the rest period (1 s), whatever the sampling
    // period: over 50 ms windows one heartbeat or fetch of an idle service reads a few per cent.
    const windowMs = now - this.windowStart;
    if (windowMs >= this.restPeriodMs) {
      const utilisation = performance.eventLoopUtilization(this.windowUtilisation).utilization;
      this.windowStart = now;
      this.windowUtilisation = performance.eventLoopUtilization();
      if (utilisation >= this.busyUtilisation) {
        if (!this.busy) this.busySince = now - windowMs;
        this.busy = true;
        this.quietMs = 0;
        this.lastBusyAt = now;
      } else if (this.busy) {
        this.quietMs += windowMs;
        if (this.quietMs >= this.quietBeforeRestMs) {
          this.busy = false;
          this.restSince = now;
          this.onRest?.(this.lastBusyAt - this.busySince);
        }
      }
    }
    if (this.timer) this.schedule();
  }
}

/**
 * prom-client's default metrics (CPU, memory, GC, handles, event-loop lag) on `register`, with
 * the event-loop delay histogram sampled by an {@link IdleAwareDelayMonitor} (`busyPeriodMs` while
 * busy, `restPeriodMs` at rest) instead of Node's fixed-period one. prom-client builds that histogram with
 * `perf_hooks.monitorEventLoopDelay` while it registers its collectors, so the monitor is handed
 * to it there; the check after it fails loudly if a prom-client upgrade stops asking.
 */
export function collectDefaultMetricsIdleAware(
  register: Registry,
  options: IdleAwareDelayMonitorOptions,
): IdleAwareDelayMonitor {
  const monitor = new IdleAwareDelayMonitor(options);
  const original = perfHooks.monitorEventLoopDelay;
  let handedOver = false;
  perfHooks.monitorEventLoopDelay = (() => {
    handedOver = true;
    return monitor;
  }) as unknown as typeof perfHooks.monitorEventLoopDelay;
  try {
    collectDefaultMetrics({ register, eventLoopMonitoringPrecision: options.busyPeriodMs });
  } finally {
    perfHooks.monitorEventLoopDelay = original;
  }
  if (!handedOver) {
    throw new Error(
      'prom-client no longer builds its event-loop histogram with perf_hooks.monitorEventLoopDelay; update collectDefaultMetricsIdleAware',
    );
  }
  return monitor;
}
