import { z } from 'zod';
import { entityIdSchema, quantitySchema, skuSchema } from '../primitives/common.schema';

/**
 * Events of the `carts` topic. The cart service (tier 2, Redis, no database) publishes these
 * best-effort, directly and without an outbox: losing one degrades recommendations a little,
 * nothing more. Keyed by `cartId`.
 */
const cartLineChangeDataSchema = z.object({
  cartId: entityIdSchema,
  sku: skuSchema,
  /** Units added or removed by this change (not the resulting line quantity). */
  quantity: quantitySchema,
});

/** `CartItemAdded` v1. */
export const cartItemAddedDataSchema = cartLineChangeDataSchema;
/** `CartItemRemoved` v1. */
export const cartItemRemovedDataSchema = cartLineChangeDataSchema;

/** Data of `CartItemAdded` and `CartItemRemoved`. */
export type CartLineChangeData = z.infer<typeof cartLineChangeDataSchema>;
