import { z } from 'zod';
import {
  currencySchema,
  entityIdSchema,
  moneyAmountSchema,
  quantitySchema,
  reasonCodeSchema,
  skuSchema,
} from '../primitives/common.schema';

/**
 * Events of the `orders` topic, produced by checkout through its outbox. Keyed by `orderId`, so
 * every event of one order lands on one partition, in order.
 */

/** One line of a placed order, priced at checkout time. */
export const orderLineSchema = z.object({
  sku: skuSchema,
  quantity: quantitySchema,
  /** Price of one unit in minor units of the order's currency. */
  unitPrice: moneyAmountSchema,
});

/** `OrderPlaced` v1: the order is committed, stock reserved and payment captured. */
export const orderPlacedDataSchema = z.object({
  orderId: entityIdSchema,
  customerId: entityIdSchema,
  items: z.array(orderLineSchema).min(1).max(100),
  /** Amount charged, in minor units of `currency`. */
  total: moneyAmountSchema,
  currency: currencySchema,
});

/** `OrderFailed` v1: the checkout gave up; any reservation or charge has been compensated. */
export const orderFailedDataSchema = z.object({
  orderId: entityIdSchema,
  customerId: entityIdSchema,
  /** Stable code saying why, e.g. `CHECKOUT.PAYMENT_DECLINED` or `CHECKOUT.OUT_OF_STOCK`. */
  reason: reasonCodeSchema,
});

/** Data of `OrderPlaced`. */
export type OrderPlacedData = z.infer<typeof orderPlacedDataSchema>;
/** Data of `OrderFailed`. */
export type OrderFailedData = z.infer<typeof orderFailedDataSchema>;
