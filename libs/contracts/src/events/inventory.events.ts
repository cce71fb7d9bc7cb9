import { z } from 'zod';
import { entityIdSchema, skuQuantitySchema } from '../primitives/common.schema';

/**
 * Events of the `inventory` topic, produced by the inventory service through its outbox. All
 * three share one shape and are keyed by `orderId`: a reservation's life (reserved → committed,
 * or reserved → released) is ordered on one partition.
 */
const stockMovementDataSchema = z.object({
  orderId: entityIdSchema,
  items: z.array(skuQuantitySchema).min(1).max(100),
});

/** `StockReserved` v1: units are held for an order (they expire unless committed). */
export const stockReservedDataSchema = stockMovementDataSchema;
/** `StockReleased` v1: a reservation was given back (checkout failed or it expired). */
export const stockReleasedDataSchema = stockMovementDataSchema;
/** `StockCommitted` v1: reserved units left stock for good (the order was placed). */
export const stockCommittedDataSchema = stockMovementDataSchema;

/** Data of `StockReserved`, `StockReleased` and `StockCommitted`. */
export type StockMovementData = z.infer<typeof stockMovementDataSchema>;
