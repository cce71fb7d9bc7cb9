import { register as defaultRegistry, type Counter, type Registry } from 'prom-client';
import { RollingCounters } from '../circuit-breaker/rolling-counters';
import { systemClock, type Clock } from '../clock';
import { counter } from '../metrics';
import { parseConfig } from '../policy/resilience-config.error';
import {
  retryBudgetConfigSchema,
  type RetryBudgetConfig,
  type RetryBudgetConfigInput,
} from './retry-budget.config';

const REQUESTS = 0;
const RETRIES = 1;
const BUCKETS = 10;

/** Collaborators of a {@link RetryBudget}; all optional. */
export interface RetryBudgetDeps {
  clock?: Clock;
  /** Where metrics go; defaults to prom-client's global registry. */
  registry?: Registry;
}

/**
 * Retry budget shared by every caller of one dependency (Finagle / Envoy / Linkerd style).
 * Over a sliding window of `windowMs`, retries may be at most
 * `max(ratio × requests, minPerSecond × windowSeconds)`: while a dependency is down, the
 * retries add at most `ratio` (default 10%) to the load instead of multiplying it by
 * `maxAttempts`. The floor keeps rare failures retryable at low traffic; it is a floor, not an
 * extra allowance on top (Finagle adds the two), so at high traffic the ratio is the whole
 * budget and "attempts per request ≤ 1 + ratio" holds during a total outage.
 *
 * Call {@link recordRequest} once per logical request (not per attempt) and
 * {@link tryAcquireRetry} before each retry; a refusal is counted in
 * `resilience_retry_budget_exhausted_total{dependency}`.
 */
export class RetryBudget {
  /** Validated configuration with defaults applied. */
  readonly config: RetryBudgetConfig;
  private readonly clock: Clock;
  private readonly counters: RollingCounters;
  private readonly floor: number;
  private readonly exhausted: Counter.Internal;

  constructor(
    /** Dependency this budget belongs to (metric label). */
    readonly name: string,
    config: RetryBudgetConfigInput = {},
    deps: RetryBudgetDeps = {},
  ) {
    this.config = parseConfig(retryBudgetConfigSchema, config, 'budget');
    this.clock = deps.clock ?? systemClock;
    this.counters = new RollingCounters(2, this.config.windowMs, BUCKETS);
    this.floor = (this.config.minPerSecond * this.config.windowMs) / 1000;
    this.exhausted = counter(deps.registry ?? defaultRegistry, {
      name: 'resilience_retry_budget_exhausted_total',
      help: 'Retries skipped because the dependency retry budget was exhausted',
      labelNames: ['dependency'],
    }).labels({ dependency: name });
    // Exported at 0 from the start: the alert on rate() > 0 then fires on the first refusal.
    this.exhausted.inc(0);
  }

  /**
   * Counts one logical request (once per request, before the first attempt); `now` is the
   * monotonic time if the caller already has it.
   */
  recordRequest(now = this.clock.monotonic()): void {
    this.counters.add(now, REQUESTS);
  }

  /** Retries the window still allows right now (may be fractional; ≥ 1 means one may go). */
  available(): number {
    const now = this.clock.monotonic();
    const allowed = Math.max(this.config.ratio * this.counters.total(now, REQUESTS), this.floor);
    return allowed - this.counters.total(now, RETRIES);
  }

  /**
   * Takes one retry from the budget. Returns false (and counts the refusal) when the budget is
   * exhausted; the caller must then give up and surface the original error.
   */
  tryAcquireRetry(): boolean {
    if (!this.config.enabled) return true;
    if (this.available() < 1) {
      this.exhausted.inc();
      return false;
    }
    this.counters.add(this.clock.monotonic(), RETRIES);
    return true;
  }
}
