import { cartItemSchema, skuSchema } from '@rc/contracts';
import type { ProblemCodes } from '@rc/platform';
import { z } from 'zod';
import { CART_ID_PATTERN } from '../domain/cart';

/** Path parameter `cartId`: 1–64 letters, digits, `_` or `-`. */
export const cartIdSchema = z
  .string()
  .regex(CART_ID_PATTERN, 'must be 1-64 letters, digits, "_" or "-"');

/** Path parameter `sku`. */
export const skuParamSchema = skuSchema;

/** Body of `POST /v1/carts/:cartId/items`: the line's quantity after the call (SET semantics). */
export const setItemBodySchema = cartItemSchema;

/** A cart as returned by every endpoint. */
export const cartResponseSchema = z.object({
  cartId: z.string(),
  items: z.array(cartItemSchema),
});

/** The cart's own problems (domain/cart.errors.ts): Redis down on every route. */
export const cartProblems: ProblemCodes = { 503: ['CART.STORE_UNAVAILABLE'] };

/** Setting a line of a cart already holding CART_MAX_LINES lines. */
export const fullCartProblems: ProblemCodes = { 422: ['CART.TOO_MANY_LINES'] };
