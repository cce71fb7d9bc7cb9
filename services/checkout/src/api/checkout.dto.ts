import { skuQuantitySchema, skuSchema, type CheckoutRequest } from '@rc/contracts';
import type { ProblemCodes } from '@rc/platform';
import { z } from 'zod';

/** Most lines accepted in a request body (the service may lower it: CHECKOUT_MAX_LINES). */
export const MAX_BODY_LINES = 50;

/**
 * `POST /v1/checkout` body: the shared contract (`@rc/contracts` checkoutRequestSchema) with
 * checkout's own tighter limits — customerId optional (the signed-in customer acts; a body naming
 * another is refused with 403 before this schema runs), cartId as the cart service accepts it, at most 50 lines, each SKU at most once.
 */
export const checkoutBodySchema = z
  .object({
    customerId: z
      .string()
      .regex(/^[A-Za-z0-9._@-]{1,64}$/, 'must be 1-64 letters, digits or . _ @ -')
      .optional()
      .describe(
        'Optional: the customer is the one the bearer token names; if sent, it must be that one (else 403).',
      ),
    cartId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
      .optional(),
    items: z.array(skuQuantitySchema).min(1).max(MAX_BODY_LINES).optional(),
    payment: z.object({
      /** Secret: never logged, traced or stored. */
      token: z.string().min(1).max(512),
    }),
  })
  .refine((body) => body.cartId !== undefined || body.items !== undefined, {
    message: 'either cartId or items is required',
    path: ['items'],
  })
  .refine((body) => new Set(body.items?.map((i) => i.sku)).size === (body.items?.length ?? 0), {
    message: 'each sku may appear only once',
    path: ['items'],
  });

/** A validated checkout body (assignable to the shared contract type). */
export type CheckoutBody = z.infer<typeof checkoutBodySchema> & CheckoutRequest;

const lineSchema = z.object({
  sku: skuSchema,
  quantity: z.int().positive(),
  unitPrice: z.int().nonnegative().describe('Price of one unit, minor units of currency'),
});

/** `201` answer of `POST /v1/checkout`. */
export const checkoutResponseSchema = z.object({
  orderId: z.uuid(),
  status: z.literal('CONFIRMED'),
  total: z.int().nonnegative().describe('Amount charged, minor units of currency'),
  currency: z.string(),
  items: z.array(lineSchema),
  recommendations: z.array(z.string()),
});

/** `200` answer of `GET /v1/orders/:orderId`. */
export const orderResponseSchema = z.object({
  orderId: z.uuid(),
  customerId: z.string(),
  status: z.enum(['PENDING', 'RESERVED', 'CHARGED', 'CONFIRMED', 'COMPENSATING', 'FAILED']),
  total: z.int().nonnegative(),
  currency: z.string(),
  items: z.array(lineSchema),
  paymentId: z.string().nullable(),
  failureCode: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
});

/** Path parameters of `GET /v1/orders/:orderId`. */
export const orderParamsSchema = z.object({ orderId: z.uuid() });

/** Problems of `POST /v1/checkout` beyond body, key and pipeline (domain/checkout.errors.ts). */
export const checkoutProblems: ProblemCodes = {
  402: ['CHECKOUT.PAYMENT_DECLINED'],
  409: ['CHECKOUT.OUT_OF_STOCK', 'CHECKOUT.IN_PROGRESS'],
  422: [
    'CHECKOUT.EMPTY_CART',
    'CHECKOUT.TOO_MANY_LINES',
    'CHECKOUT.UNKNOWN_SKU',
    'CHECKOUT.MIXED_CURRENCY',
  ],
  503: [
    'CHECKOUT.CART_UNAVAILABLE',
    'CHECKOUT.INVENTORY_UNAVAILABLE',
    'CHECKOUT.PAYMENT_UNAVAILABLE',
    'CHECKOUT.INTERRUPTED',
  ],
};
