import { z } from 'zod';

/** Validated bulkhead configuration. Defaults are explained in the README. */
export const bulkheadConfigSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('false removes the concurrency limit'),
  maxConcurrent: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(25)
    .describe('calls in flight to the dependency at once'),
  maxQueue: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(25)
    .describe('callers allowed to wait for a slot; beyond that, immediate rejection'),
  maxQueueWaitMs: z
    .number()
    .int()
    .min(0)
    .max(60_000)
    .default(100)
    .describe('longest a caller waits in the queue before it is rejected'),
});

/** Bulkhead configuration as written by a user (every key optional). */
export type BulkheadConfigInput = z.input<typeof bulkheadConfigSchema>;
/** Bulkhead configuration after validation, with every default applied. */
export type BulkheadConfig = z.output<typeof bulkheadConfigSchema>;
