import { z } from 'zod';
import { bulkheadConfigSchema } from '../bulkhead/bulkhead.config';
import { circuitBreakerConfigSchema } from '../circuit-breaker/circuit-breaker.config';
import { retryBudgetConfigSchema } from '../retry-budget/retry-budget.config';
import { retryConfigSchema } from '../retry/retry.config';

const DEFAULT_ATTEMPT_TIMEOUT_MS = 1_000;

const policyShape = z
  .strictObject({
    attemptTimeoutMs: z
      .number()
      .int()
      .min(1)
      .max(300_000)
      .default(DEFAULT_ATTEMPT_TIMEOUT_MS)
      .describe('longest a single attempt may take (capped by the remaining deadline)'),
    minRemainingMs: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .default(20)
      .describe('no attempt or retry starts with less deadline left than this'),
    retry: retryConfigSchema.prefault({}),
    budget: retryBudgetConfigSchema.prefault({}),
    breaker: circuitBreakerConfigSchema.prefault({}),
    bulkhead: bulkheadConfigSchema.prefault({}),
  })
  .superRefine((c, ctx) => {
    if (c.breaker.slowCallDurationMs > c.attemptTimeoutMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['breaker', 'slowCallDurationMs'],
        message: `must be <= attemptTimeoutMs (${c.attemptTimeoutMs}); otherwise only timeouts count as slow`,
      });
    }
  });

/** Policy configuration as written by a user (every key optional). */
export type PolicyConfigInput = z.input<typeof policyShape>;
/** Policy configuration after validation, with every default applied. */
export type PolicyConfig = z.output<typeof policyShape>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Inside a policy, an unset `breaker.slowCallDurationMs` defaults to half the attempt timeout
 * (500 ms with the default 1 s): a call that used more than half of its budget is slow. A fixed
 * default would be wrong for every policy whose attempt timeout is not 1 s.
 */
function deriveSlowCallDefault(input: unknown): unknown {
  if (!isObject(input)) return input;
  const timeout = input.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const breaker = input.breaker ?? {};
  if (typeof timeout !== 'number' || !isObject(breaker) || breaker.slowCallDurationMs !== undefined)
    return input;
  return {
    ...input,
    breaker: { ...breaker, slowCallDurationMs: Math.max(1, Math.floor(timeout / 2)) },
  };
}

/**
 * Configuration of one named policy (one dependency). Every key has a default; the README's
 * "Defaults" table gives the reasoning and compares them with resilience4j and Polly v8.
 */
export const policyConfigSchema: z.ZodType<PolicyConfig, PolicyConfigInput> = z.preprocess(
  deriveSlowCallDefault,
  policyShape,
) as never;

/** Dependency names become metric labels and log fields: keep them short identifiers. */
export const DEPENDENCY_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
