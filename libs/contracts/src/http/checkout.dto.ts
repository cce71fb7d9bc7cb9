import { z } from 'zod';
import { entityIdSchema, skuQuantitySchema } from '../primitives/common.schema';

/**
 * Body of `POST /v1/checkout` (the `Idempotency-Key` header and the customer's
 * `Authorization: Bearer <token>` travel separately; the token names the customer, so
 * `customerId` is optional and, when sent, must be the signed-in customer). Items come
 * from the cart (`cartId`) or, when the cart service is down, from the body itself (`items`);
 * at least one of the two is required. When both are given, checkout prefers the cart and falls
 * back to `items`.
 */
export const checkoutRequestSchema = z
  .object({
    customerId: entityIdSchema.optional(),
    cartId: entityIdSchema.optional(),
    items: z.array(skuQuantitySchema).min(1).max(100).optional(),
    payment: z.object({
      /**
       * Opaque payment-method token from the provider's client SDK. Secret: never log it,
       * trace it or store it beyond the charge call.
       */
      token: z.string().min(1).max(512),
    }),
  })
  .refine((body) => body.cartId !== undefined || body.items !== undefined, {
    message: 'either cartId or items is required',
    path: ['items'],
  });

/** A validated checkout request body. */
export type CheckoutRequest = z.infer<typeof checkoutRequestSchema>;
