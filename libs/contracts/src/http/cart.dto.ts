import { z } from 'zod';
import { skuQuantitySchema } from '../primitives/common.schema';

/** A cart line, as sent to `POST /v1/carts/:cartId/items` and returned by the cart service. */
export const cartItemSchema = skuQuantitySchema;

/** A cart line. */
export type CartItem = z.infer<typeof cartItemSchema>;
