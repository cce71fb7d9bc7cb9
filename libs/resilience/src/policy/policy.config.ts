import { z } from 'zod';
import { bulkheadConfigSchema } from '../bulkhead/bulkhead.config';
import { circuitBreakerConfigSchema } from '../circuit-breaker/circuit-breaker.config';
import { retryBudgetConfigSchema } from '../retry-budget/retry-budget.config';
import { retryConfigSchema } from '../retry/retry.config';

/**
 * Configuration of one named policy (one dependency). Every key has a default; the README's
 * "Defaults" table gives the reasoning and compares them with resilience4j and Polly v8.
 */
export const policyConfigSchema = z
  .strictObject({
    attemptTimeoutMs: z
      .number()
      .int()
      .min(1)
      .max(300_000)
      .default(1_000)
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
export type PolicyConfigInput = z.input<typeof policyConfigSchema>;
/** Policy configuration after validation, with every default applied. */
export type PolicyConfig = z.output<typeof policyConfigSchema>;

/** Dependency names become metric labels and log fields: keep them short identifiers. */
export const DEPENDENCY_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
