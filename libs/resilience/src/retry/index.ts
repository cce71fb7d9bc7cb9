export { Backoff, BackoffProgress } from './backoff';
export {
  NOT_SENT_NETWORK_CODES,
  TRANSIENT_HTTP_STATUSES,
  TRANSIENT_NETWORK_CODES,
  defaultErrorClassifier,
  type ErrorClassification,
  type ErrorClassifier,
} from './error-classifier';
export {
  Retry,
  type GiveUpReason,
  type RetryDecision,
  type RetryDeps,
  type RetryQuestion,
} from './retry';
export { parseRetryAfter } from './retry-after';
export {
  JITTER_STRATEGIES,
  retryConfigSchema,
  type JitterStrategy,
  type RetryConfig,
  type RetryConfigInput,
} from './retry.config';
export { isSafeToRepeat, type RetryRequest } from './retry-request';
