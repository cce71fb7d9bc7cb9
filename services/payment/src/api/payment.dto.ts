import { currencySchema, positiveMoneyAmountSchema } from '@rc/contracts';
import type { ProblemCodes } from '@rc/platform';
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

/** A payment as served over HTTP, for the OpenAPI document (see {@link paymentView}). */
export const paymentResponseSchema = z.object({
  paymentId: z.uuid(),
  orderId: z.uuid(),
  status: z.enum(['AUTHORIZED', 'CAPTURED', 'REFUNDED', 'FAILED']),
  amount: z.int().positive().describe('Minor units of currency'),
  currency: z.string(),
  declineCode: z.string().nullable().describe('Why it failed, when FAILED'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

/** `GET /v1/payments`. */
export const paymentListResponseSchema = z.object({ items: z.array(paymentResponseSchema) });

/** The payment's own problems (domain/payment.errors.ts), by route. */
export const paymentProblems = {
  charge: {
    402: ['PAYMENT.DECLINED'],
    409: ['PAYMENT.ORDER_ALREADY_PAID', 'PAYMENT.IN_PROGRESS'],
    503: ['PAYMENT.PROVIDER_UNAVAILABLE'],
    504: ['PAYMENT.OUTCOME_UNKNOWN'],
  },
  refund: { 404: ['PAYMENT.NOT_FOUND'], 409: ['PAYMENT.NOT_REFUNDABLE'] },
  get: { 404: ['PAYMENT.NOT_FOUND'] },
} satisfies Record<string, ProblemCodes>;

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
