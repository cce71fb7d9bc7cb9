/** The three states of a {@link CircuitBreaker}. */
export type CircuitState = 'closed' | 'half_open' | 'open';

/** Value of the `resilience_circuit_breaker_state` gauge for each state. */
export const CIRCUIT_STATE_GAUGE_VALUE: Readonly<Record<CircuitState, number>> = {
  closed: 0,
  half_open: 1,
  open: 2,
};

/** Event passed to state-change listeners. */
export interface CircuitStateChange {
  /** Breaker name. */
  readonly name: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  /** Epoch milliseconds of the transition (from the breaker's clock). */
  readonly at: number;
  /** Why it changed, e.g. `failure_rate 60% >= 50%`, `probes succeeded`, `open duration elapsed`. */
  readonly reason: string;
  /** When `to` is `open`: how long it stays open before half-opening. */
  readonly openForMs?: number;
}

/** Listener for {@link CircuitStateChange} events. Must not throw (errors become warnings). */
export type CircuitStateListener = (change: CircuitStateChange) => void;
