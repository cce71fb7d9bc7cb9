import { currencySchema, skuSchema } from '@rc/contracts';
import { z } from 'zod';

/** Query of `GET /v1/analytics/summary`. */
export const summaryQuerySchema = z.object({
  currency: currencySchema.optional().describe('Reporting currency (default from config).'),
  top: z.coerce.number().int().min(1).max(100).optional().describe('Top products to list.'),
});

/** Query of `GET /v1/analytics/products/:sku`. */
export const productQuerySchema = z.object({
  currency: currencySchema.optional().describe('Currency of the revenue (default from config).'),
});

/** Path parameter `sku`. */
export const skuParamSchema = skuSchema;

/** Query of `POST /admin/dlq/:topic/redrive`. */
export const redriveQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100_000).optional().describe('Most messages to move.'),
});

/** Path parameter `topic`: a consumed topic (`orders`) or its DLQ (`orders.dlq`). */
export const topicParamSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a Kafka topic name');

const productSalesSchema = z.object({ sku: z.string(), units: z.number(), revenue: z.number() });

/** Responses, for the OpenAPI document. */
export const summaryResponseSchema = z.object({
  ordersPlaced: z.number(),
  ordersFailed: z.number(),
  revenue: z.number().describe('Minor units of currency'),
  currency: z.string(),
  paymentsCaptured: z.number(),
  paymentsRefunded: z.number(),
  cartAdds: z.number(),
  topProducts: z.array(productSalesSchema),
  updatedAt: z.string().nullable(),
});
export const productResponseSchema = productSalesSchema.extend({ currency: z.string() });
export const redriveResponseSchema = z.object({
  dlqTopic: z.string(),
  redriven: z.number(),
  timedOut: z.boolean(),
});
