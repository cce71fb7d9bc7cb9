import { z } from 'zod';

/**
 * Validated configuration of a {@link CircuitBreaker}. Defaults and their reasoning are in the
 * library README ("Circuit breaker"); each key's `describe` text is its one-line documentation.
 */
export const circuitBreakerConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('false turns the breaker into a pass-through'),
    failureRateThreshold: z
      .number()
      .gt(0)
      .max(100)
      .default(50)
      .describe('percentage of failed calls in the window at or above which the breaker opens'),
    slowCallRateThreshold: z
      .number()
      .gt(0)
      .max(100)
      .default(80)
      .describe('percentage of slow calls in the window at or above which the breaker opens'),
    slowCallDurationMs: z
      .number()
      .int()
      .positive()
      .default(500)
      .describe('a call that takes longer than this counts as slow'),
    window: z
      .discriminatedUnion('type', [
        z.strictObject({
          type: z.literal('count'),
          size: z.number().int().min(1).max(10_000).default(50).describe('last N calls'),
        }),
        z.strictObject({
          type: z.literal('time'),
          durationMs: z.number().int().min(1_000).max(600_000).default(10_000),
          buckets: z.number().int().min(1).max(100).default(10),
        }),
      ])
      .prefault({ type: 'time' })
      .describe('sliding window the rates are computed over'),
    minimumNumberOfCalls: z
      .number()
      .int()
      .min(1)
      .default(20)
      .describe('calls the window must hold before the rates are evaluated at all'),
    openDurationMs: z
      .number()
      .int()
      .positive()
      .default(5_000)
      .describe('time spent open after the first trip'),
    openDurationMultiplier: z
      .number()
      .min(1)
      .max(10)
      .default(2)
      .describe('open duration grows by this factor on each consecutive trip (1 = fixed)'),
    maxOpenDurationMs: z
      .number()
      .int()
      .positive()
      .default(60_000)
      .describe('cap of the growing open duration'),
    permittedCallsInHalfOpen: z
      .number()
      .int()
      .min(1)
      .max(1_000)
      .default(3)
      .describe('probe calls let through while half-open; the rest fail fast'),
  })
  .superRefine((c, ctx) => {
    if (c.maxOpenDurationMs < c.openDurationMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxOpenDurationMs'],
        message: `must be >= openDurationMs (${c.openDurationMs})`,
      });
    }
    if (c.window.type === 'count' && c.minimumNumberOfCalls > c.window.size) {
      ctx.addIssue({
        code: 'custom',
        path: ['minimumNumberOfCalls'],
        message: `must be <= window.size (${c.window.size}), or the breaker could never trip`,
      });
    }
  });

/** Breaker configuration as written by a user (every key optional). */
export type CircuitBreakerConfigInput = z.input<typeof circuitBreakerConfigSchema>;
/** Breaker configuration after validation, with every default applied. */
export type CircuitBreakerConfig = z.output<typeof circuitBreakerConfigSchema>;
