import { skuSchema } from '@rc/contracts';
import { z } from 'zod';
import { MAX_LIMIT, MAX_REQUEST_SKUS } from '../domain/recommendation';

/** Query of `GET /v1/recommendations`: `skus=a,b` (1–20 SKUs) and an optional `limit` (1–20). */
export const recommendationsQuerySchema = z.object({
  skus: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(skuSchema).min(1).max(MAX_REQUEST_SKUS))
    .describe('Comma-separated SKUs in hand (a cart, an order).'),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).optional().describe('Suggestions wanted.'),
});

/** The answer: suggested SKUs, best first, and where they came from. */
export const recommendationsResponseSchema = z.object({
  skus: z.array(z.string()),
  source: z.enum(['model', 'cache', 'stale-cache', 'bestsellers']),
});
