import { z } from 'zod';

/** Jitter strategies: full jitter (AWS) or decorrelated jitter (Polly's DecorrelatedJitterV2). */
export const JITTER_STRATEGIES = ['full', 'decorrelated'] as const;
/** One of {@link JITTER_STRATEGIES}. */
export type JitterStrategy = (typeof JITTER_STRATEGIES)[number];

/** Validated retry configuration. Defaults are explained in the README. */
export const retryConfigSchema = z
  .strictObject({
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(3)
      .describe('total attempts including the first (1 = no retry); always finite'),
    baseDelayMs: z.number().int().min(0).max(60_000).default(50).describe('first backoff step'),
    maxDelayMs: z
      .number()
      .int()
      .min(1)
      .max(300_000)
      .default(1_000)
      .describe('cap of any single backoff'),
    jitter: z.enum(JITTER_STRATEGIES).default('decorrelated'),
    maxRetryAfterMs: z
      .number()
      .int()
      .min(0)
      .max(300_000)
      .default(2_000)
      .describe('longest Retry-After (or breaker wait) honoured; a longer one ends the retries'),
  })
  .superRefine((c, ctx) => {
    if (c.maxDelayMs < c.baseDelayMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxDelayMs'],
        message: `must be >= baseDelayMs (${c.baseDelayMs})`,
      });
    }
  });

/** Retry configuration as written by a user (every key optional). */
export type RetryConfigInput = z.input<typeof retryConfigSchema>;
/** Retry configuration after validation, with every default applied. */
export type RetryConfig = z.output<typeof retryConfigSchema>;
