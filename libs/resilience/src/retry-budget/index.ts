export { RetryBudget, type RetryBudgetDeps } from './retry-budget';
export {
  retryBudgetConfigSchema,
  type RetryBudgetConfig,
  type RetryBudgetConfigInput,
} from './retry-budget.config';
