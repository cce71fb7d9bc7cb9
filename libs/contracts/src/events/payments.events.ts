import { z } from 'zod';
import {
  currencySchema,
  entityIdSchema,
  positiveMoneyAmountSchema,
  reasonCodeSchema,
} from '../primitives/common.schema';

/**
 * Events of the `payments` topic, produced by the payment service through its outbox. Keyed by
 * `orderId` (the aggregate every payment belongs to), so an order's capture and refund stay in
 * order on one partition.
 */

/** `PaymentCaptured` v1: money was taken from the customer. */
export const paymentCapturedDataSchema = z.object({
  paymentId: entityIdSchema,
  orderId: entityIdSchema,
  amount: positiveMoneyAmountSchema,
  currency: currencySchema,
});

/** `PaymentRefunded` v1: a captured payment was given back (a checkout compensation). */
export const paymentRefundedDataSchema = z.object({
  paymentId: entityIdSchema,
  orderId: entityIdSchema,
  amount: positiveMoneyAmountSchema,
  currency: currencySchema,
});

/** `PaymentFailed` v1: the provider declined or the charge could not be made. */
export const paymentFailedDataSchema = z.object({
  paymentId: entityIdSchema,
  orderId: entityIdSchema,
  amount: positiveMoneyAmountSchema,
  currency: currencySchema,
  /** Stable code, e.g. `PAYMENT.DECLINED`; never the provider's raw message. */
  reason: reasonCodeSchema,
});

/** Data of `PaymentCaptured`. */
export type PaymentCapturedData = z.infer<typeof paymentCapturedDataSchema>;
/** Data of `PaymentRefunded`. */
export type PaymentRefundedData = z.infer<typeof paymentRefundedDataSchema>;
/** Data of `PaymentFailed`. */
export type PaymentFailedData = z.infer<typeof paymentFailedDataSchema>;
