export type { AttemptContext, PolicyOperation } from './attempt-context';
export {
  fallbackReason,
  withFallback,
  type FallbackOptions,
  type FallbackResult,
} from './fallback';
export {
  DEPENDENCY_NAME,
  policyConfigSchema,
  type PolicyConfig,
  type PolicyConfigInput,
} from './policy.config';
export { UnknownPolicyError } from './policy.errors';
export { PolicyRegistry, type PolicyRegistryConfig } from './policy-registry';
export { ResilienceConfigError, parseConfig } from './resilience-config.error';
export { ResiliencePolicy, type ExecuteContext, type PolicyDeps } from './resilience-policy';
