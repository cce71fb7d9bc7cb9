import { register as defaultRegistry, type Registry } from 'prom-client';
import { systemClock, type Clock } from '../clock';
import { parseConfig } from '../policy/resilience-config.error';
import { isBreakerFailure } from './breaker-failure';
import {
  circuitBreakerConfigSchema,
  type CircuitBreakerConfig,
  type CircuitBreakerConfigInput,
} from './circuit-breaker.config';
import { CircuitOpenError } from './circuit-breaker.errors';
import { recordCircuitStateChange } from '../tracing/resilience-events';
import { CircuitBreakerMetrics, OUTCOME } from './circuit-breaker.metrics';
import type { CircuitState, CircuitStateListener } from './circuit-state';
import { CountOutcomeWindow, TimeOutcomeWindow, type OutcomeWindow } from './outcome-window';

/** Collaborators of a {@link CircuitBreaker}; all optional. */
export interface CircuitBreakerDeps {
  clock?: Clock;
  /** Where metrics go; defaults to prom-client's global registry. */
  registry?: Registry;
  /** Which errors count as failures; default {@link isBreakerFailure}. */
  isFailure?: (error: unknown) => boolean;
}

/**
 * Circuit breaker that trips on failure rate AND slow-call rate over a count- or time-based
 * sliding window (resilience4j's model; cockatiel's breaker has no slow-call rate), with a
 * minimum number of calls, an open duration that grows on consecutive trips, and a half-open
 * state that lets `permittedCallsInHalfOpen` probes through and decides on their results.
 *
 * Low-level use (what the composed policy does, no closure per call):
 * `const permit = breaker.acquire()` (throws {@link CircuitOpenError}), run the call, then
 * `breaker.record(permit, durationMs, failed)` or `breaker.release(permit)` if it never ran.
 * Simple use: `breaker.execute(fn)`.
 *
 * OPEN turns into HALF_OPEN lazily, on the first `acquire` (or `state` read) after the open
 * duration, like resilience4j without `automaticTransitionFromOpenToHalfOpenEnabled`.
 */
export class CircuitBreaker {
  /** Validated configuration with defaults applied. */
  readonly config: CircuitBreakerConfig;
  private readonly clock: Clock;
  private readonly isFailure: (error: unknown) => boolean;
  private readonly metrics: CircuitBreakerMetrics;
  private readonly window: OutcomeWindow;
  private readonly listeners = new Set<CircuitStateListener>();
  private current: CircuitState = 'closed';
  /** Incremented on every transition; a permit from an older epoch is not recorded. */
  private epoch = 0;
  private openUntil = 0;
  private consecutiveTrips = 0;
  private probesIssued = 0;
  private probesDone = 0;
  private probeFailures = 0;
  private probeSlow = 0;

  constructor(
    /** Name of the dependency this breaker protects (metric label, error message). */
    readonly name: string,
    config: CircuitBreakerConfigInput = {},
    deps: CircuitBreakerDeps = {},
  ) {
    this.config = parseConfig(circuitBreakerConfigSchema, config, 'breaker');
    this.clock = deps.clock ?? systemClock;
    this.isFailure = deps.isFailure ?? isBreakerFailure;
    this.metrics = new CircuitBreakerMetrics(deps.registry ?? defaultRegistry, name);
    const w = this.config.window;
    this.window =
      w.type === 'count'
        ? new CountOutcomeWindow(w.size)
        : new TimeOutcomeWindow(w.durationMs, w.buckets);
  }

  /** Current state (an elapsed OPEN becomes HALF_OPEN on read). */
  get state(): CircuitState {
    if (this.current === 'open' && this.clock.monotonic() >= this.openUntil) {
      this.transition('half_open', 'open duration elapsed');
    }
    return this.current;
  }

  /** Subscribes to state changes; returns the unsubscribe function. */
  onStateChange(listener: CircuitStateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Asks to make one call. Returns a permit to pass to {@link record} or {@link release}; throws
   * {@link CircuitOpenError} when open, or half-open with all probes taken.
   */
  acquire(): number {
    if (this.current === 'closed' || !this.config.enabled) return this.epoch;
    if (this.current === 'open') {
      const left = this.openUntil - this.clock.monotonic();
      if (left > 0) return this.reject(Math.ceil(left));
      this.transition('half_open', 'open duration elapsed');
    }
    if (this.probesIssued >= this.config.permittedCallsInHalfOpen) return this.reject(undefined);
    this.probesIssued++;
    return this.epoch;
  }

  /** Gives back a permit whose call did not run or whose outcome says nothing (cancelled). */
  release(permit: number): void {
    if (permit === this.epoch && this.current === 'half_open') this.probesIssued--;
  }

  /**
   * Records the outcome of a permitted call that took `durationMs`, finishing at monotonic time
   * `now` (passed by callers that already read the clock).
   */
  record(permit: number, durationMs: number, failed: boolean, now?: number): void {
    const slow = durationMs > this.config.slowCallDurationMs;
    this.metrics.call(
      slow
        ? failed
          ? OUTCOME.slow_failure
          : OUTCOME.slow_success
        : failed
          ? OUTCOME.failure
          : OUTCOME.success,
    );
    if (permit !== this.epoch || !this.config.enabled) return;
    if (this.current === 'closed') this.recordClosed(failed, slow, now ?? this.clock.monotonic());
    else if (this.current === 'half_open') this.recordProbe(failed, slow);
  }

  /**
   * A permitted call its caller gave up on (deadline, cancellation) after `durationMs`. Whether
   * it would have failed is unknown, so it is never a failure; but one that had already run past
   * `slowCallDurationMs` has proven the dependency slow and counts as a slow call
   * (`slow_abandoned`) — otherwise callers with short deadlines would keep a hung dependency's
   * breaker closed forever. A shorter one gives its permit back.
   */
  abandon(permit: number, durationMs: number, now?: number): void {
    if (durationMs <= this.config.slowCallDurationMs) {
      this.release(permit);
      return;
    }
    this.metrics.call(OUTCOME.slow_abandoned);
    if (permit !== this.epoch || !this.config.enabled) return;
    if (this.current === 'closed') this.recordClosed(false, true, now ?? this.clock.monotonic());
    else if (this.current === 'half_open') this.recordProbe(false, true);
  }

  /** Records the outcome of a permitted call that threw `error`, classifying it. */
  recordError(permit: number, durationMs: number, error: unknown, now?: number): void {
    this.record(permit, durationMs, this.isFailure(error), now);
  }

  /** Runs `fn` through the breaker. */
  async execute<T>(fn: () => Promise<T>): Promise<T> {
    const permit = this.acquire();
    const start = this.clock.monotonic();
    try {
      const result = await fn();
      this.record(permit, this.clock.monotonic() - start, false);
      return result;
    } catch (error) {
      this.recordError(permit, this.clock.monotonic() - start, error);
      throw error;
    }
  }

  private reject(retryAfterMs: number | undefined): never {
    this.metrics.call(OUTCOME.rejected);
    throw new CircuitOpenError(this.name, retryAfterMs);
  }

  private recordClosed(failed: boolean, slow: boolean, now: number): void {
    this.window.record(now, failed, slow);
    const t = this.window.totals(now);
    if (t.calls < this.config.minimumNumberOfCalls) return;
    const failureRate = (t.failures / t.calls) * 100;
    const slowRate = (t.slow / t.calls) * 100;
    if (failureRate >= this.config.failureRateThreshold) {
      this.open(`failure rate ${failureRate.toFixed(1)}% >= ${this.config.failureRateThreshold}%`);
    } else if (slowRate >= this.config.slowCallRateThreshold) {
      this.open(`slow call rate ${slowRate.toFixed(1)}% >= ${this.config.slowCallRateThreshold}%`);
    }
  }

  private recordProbe(failed: boolean, slow: boolean): void {
    this.probesDone++;
    if (failed) this.probeFailures++;
    if (slow) this.probeSlow++;
    const n = this.config.permittedCallsInHalfOpen;
    // Counts only grow, so once a threshold is reached the verdict cannot change: decide now.
    if ((this.probeFailures / n) * 100 >= this.config.failureRateThreshold) {
      this.open(`${this.probeFailures} of ${n} probes failed`);
    } else if ((this.probeSlow / n) * 100 >= this.config.slowCallRateThreshold) {
      this.open(`${this.probeSlow} of ${n} probes were slow`);
    } else if (this.probesDone >= n) {
      this.transition('closed', `${n} probes succeeded`);
    }
  }

  private open(reason: string): void {
    this.consecutiveTrips++;
    const c = this.config;
    const openForMs = Math.min(
      c.maxOpenDurationMs,
      Math.round(c.openDurationMs * c.openDurationMultiplier ** (this.consecutiveTrips - 1)),
    );
    this.openUntil = this.clock.monotonic() + openForMs;
    this.transition('open', reason, openForMs);
  }

  private transition(to: CircuitState, reason: string, openForMs?: number): void {
    const from = this.current;
    this.current = to;
    this.epoch++;
    this.probesIssued = this.probesDone = this.probeFailures = this.probeSlow = 0;
    if (to === 'closed') {
      this.consecutiveTrips = 0;
      this.window.reset();
    }
    this.metrics.transition(from, to);
    const change = { name: this.name, from, to, at: this.clock.now(), reason, openForMs };
    recordCircuitStateChange(change);
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        // A listener must never break the call path; surface it without throwing.
        process.emitWarning(`circuit breaker "${this.name}" listener failed: ${String(error)}`);
      }
    }
  }
}
