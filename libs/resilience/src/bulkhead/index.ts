export { Bulkhead, type BulkheadDeps } from './bulkhead';
export {
  bulkheadConfigSchema,
  type BulkheadConfig,
  type BulkheadConfigInput,
} from './bulkhead.config';
export { BulkheadFullError, BulkheadQueueTimeoutError } from './bulkhead.errors';
