import type { Counter, Gauge, Registry } from 'prom-client';
import { counter, gauge } from '../metrics';
import { CIRCUIT_STATE_GAUGE_VALUE, type CircuitState } from './circuit-state';

/** Outcome label values of `resilience_circuit_breaker_calls_total`. */
export type CallOutcome = 'success' | 'failure' | 'slow_success' | 'slow_failure' | 'rejected';

/**
 * The breaker's metrics with their label children bound once at construction, so recording an
 * outcome on the hot path is a single `inc()` with no label lookup.
 */
export class CircuitBreakerMetrics {
  private readonly stateGauge: Gauge.Internal<'dependency'>;
  private readonly transitions: Counter<'dependency' | 'from' | 'to'>;
  private readonly outcomes: Record<CallOutcome, Counter.Internal>;

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
    const bind = (outcome: CallOutcome) => calls.labels({ dependency: name, outcome });
    this.outcomes = {
      success: bind('success'),
      failure: bind('failure'),
      slow_success: bind('slow_success'),
      slow_failure: bind('slow_failure'),
      rejected: bind('rejected'),
    };
    this.stateGauge.set(0);
  }

  /** Counts one call outcome. */
  call(outcome: CallOutcome): void {
    this.outcomes[outcome].inc();
  }

  /** Records a state transition (rare path: the label lookup here is fine). */
  transition(from: CircuitState, to: CircuitState): void {
    this.transitions.inc({ dependency: this.name, from, to });
    this.stateGauge.set(CIRCUIT_STATE_GAUGE_VALUE[to]);
  }
}
