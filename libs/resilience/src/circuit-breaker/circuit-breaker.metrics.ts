import type { Counter, Gauge, Registry } from 'prom-client';
import { counter, gauge } from '../metrics';
import { publishOnScrape } from '../policy/publish-on-scrape';
import { CIRCUIT_STATE_GAUGE_VALUE, type CircuitState } from './circuit-state';

/** Outcome label values of `resilience_circuit_breaker_calls_total`. */
export type CallOutcome =
  'success' | 'failure' | 'slow_success' | 'slow_failure' | 'rejected' | 'slow_abandoned';

/** Index of each outcome in the plain counters (hot path: no string keys, no label hashing). */
export const OUTCOME = {
  success: 0,
  failure: 1,
  slow_success: 2,
  slow_failure: 3,
  rejected: 4,
  slow_abandoned: 5,
} as const;
const OUTCOMES: readonly CallOutcome[] = [
  'success',
  'failure',
  'slow_success',
  'slow_failure',
  'rejected',
  'slow_abandoned',
];

/**
 * The breaker's metrics. Call outcomes are counted in a plain array on the hot path and copied
 * into `resilience_circuit_breaker_calls_total` at scrape time; state and transitions (rare)
 * are written directly.
 */
export class CircuitBreakerMetrics {
  private readonly stateGauge: Gauge.Internal<'dependency'>;
  private readonly transitions: Counter<'dependency' | 'from' | 'to'>;
  private readonly outcomeChildren: Counter.Internal[];
  private readonly counts = new Float64Array(OUTCOMES.length);
  private readonly published = new Float64Array(OUTCOMES.length);

  constructor(
    registry: Registry,
    private readonly name: string,
  ) {
    this.stateGauge = gauge(registry, {
      name: 'resilience_circuit_breaker_state',
      help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open',
      labelNames: ['dependency'],
    }).labels({ dependency: name });
    this.transitions = counter(registry, {
      name: 'resilience_circuit_breaker_transitions_total',
      help: 'Circuit breaker state transitions',
      labelNames: ['dependency', 'from', 'to'],
    });
    const calls = counter(registry, {
      name: 'resilience_circuit_breaker_calls_total',
      help: 'Calls seen by the circuit breaker, by outcome',
      labelNames: ['dependency', 'outcome'],
    });
    this.outcomeChildren = OUTCOMES.map((outcome) => calls.labels({ dependency: name, outcome }));
    publishOnScrape(calls, this);
    this.stateGauge.set(0);
  }

  /** Counts one call outcome ({@link OUTCOME} index). */
  call(outcome: number): void {
    this.counts[outcome] = (this.counts[outcome] ?? 0) + 1;
  }

  /** @internal Copies the outcome counts into the counter (called at scrape time). */
  publish(): void {
    for (let i = 0; i < OUTCOMES.length; i++) {
      const delta = (this.counts[i] ?? 0) - (this.published[i] ?? 0);
      if (delta > 0) this.outcomeChildren[i]?.inc(delta);
      this.published[i] = this.counts[i] ?? 0;
    }
  }

  /** Records a state transition (rare path: the label lookup here is fine). */
  transition(from: CircuitState, to: CircuitState): void {
    this.transitions.inc({ dependency: this.name, from, to });
    this.stateGauge.set(CIRCUIT_STATE_GAUGE_VALUE[to]);
  }
}
