import { z } from 'zod';
import { currencySchema, moneyAmountSchema, skuSchema } from '../primitives/common.schema';

/** A catalogue product as the inventory service serves it (and checkout prices orders from). */
export const productSchema = z.object({
  sku: skuSchema,
  name: z.string().min(1).max(200),
  /** Unit price in minor units of `currency`. */
  price: moneyAmountSchema,
  currency: currencySchema,
  /** Units that can be reserved now (stock minus live reservations); 0 means sold out. */
  available: z.int().nonnegative(),
});

/** A catalogue product. */
export type Product = z.infer<typeof productSchema>;
