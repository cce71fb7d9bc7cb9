import { z } from 'zod';

/** Validated configuration of a {@link RetryBudget}. Defaults are explained in the README. */
export const retryBudgetConfigSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('false lets every retry through (measurement only)'),
  ratio: z
    .number()
    .min(0)
    .max(1)
    .default(0.1)
    .describe('retries allowed as a fraction of the requests seen in the window'),
  minPerSecond: z
    .number()
    .min(0)
    .max(1_000)
    .default(3)
    .describe('floor: retries per second always allowed, so low traffic can still retry'),
  windowMs: z
    .number()
    .int()
    .min(1_000)
    .max(600_000)
    .default(10_000)
    .describe('sliding window over which requests and retries are counted'),
});

/** Budget configuration as written by a user (every key optional). */
export type RetryBudgetConfigInput = z.input<typeof retryBudgetConfigSchema>;
/** Budget configuration after validation, with every default applied. */
export type RetryBudgetConfig = z.output<typeof retryBudgetConfigSchema>;
