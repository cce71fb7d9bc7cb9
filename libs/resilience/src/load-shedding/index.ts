export {
  AdaptiveConcurrencyLimiter,
  type AdaptiveConcurrencyLimiterOptions,
  type Permit,
  type PermitOutcome,
} from './adaptive-concurrency-limiter';
export { AimdLimit, type AimdOptions } from './aimd-limit';
export {
  CRITICALITIES,
  type Criticality,
  type CriticalityShares,
  DEFAULT_CRITICALITY_SHARES,
  isCriticality,
} from './criticality';
export { Gradient2Limit, type Gradient2Options } from './gradient2-limit';
export { type LimitAlgorithm, type LimitBounds, type LimitSample } from './limit-algorithm';
export { LoadShedError } from './load-shed.error';
