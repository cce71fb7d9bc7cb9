export { CircuitBreaker, type CircuitBreakerDeps } from './circuit-breaker';
export {
  circuitBreakerConfigSchema,
  type CircuitBreakerConfig,
  type CircuitBreakerConfigInput,
} from './circuit-breaker.config';
export { CircuitOpenError } from './circuit-breaker.errors';
export type { CallOutcome } from './circuit-breaker.metrics';
export {
  CIRCUIT_STATE_GAUGE_VALUE,
  type CircuitState,
  type CircuitStateChange,
  type CircuitStateListener,
} from './circuit-state';
export { isBreakerFailure } from './breaker-failure';
export { RollingCounters } from './rolling-counters';
export {
  CountOutcomeWindow,
  TimeOutcomeWindow,
  type OutcomeTotals,
  type OutcomeWindow,
} from './outcome-window';
