import { currencySchema, positiveMoneyAmountSchema } from '@rc/contracts';
import { z } from 'zod';
import type { Payment } from '../domain/payment';

/** `POST /v1/payments` body. The token is a secret: validated, passed to the provider, never kept. */
export const chargeBodySchema = z.strictObject({
  orderId: z.uuid(),
  amount: positiveMoneyAmountSchema,
  currency: currencySchema,
  token: z.string().min(1).max(256),
});
export type ChargeBody = z.infer<typeof chargeBodySchema>;

/** `GET /v1/payments` query. */
export const listQuerySchema = z.object({ orderId: z.uuid() });

/** `:paymentId` path parameter. */
export const paymentIdSchema = z.uuid();

/** A payment as served over HTTP (no token, no fingerprint). */
export function paymentView(payment: Payment) {
  return {
    paymentId: payment.id,
    orderId: payment.orderId,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency,
    declineCode: payment.declineCode,
    createdAt: payment.createdAt.toISOString(),
    updatedAt: payment.updatedAt.toISOString(),
  };
}
