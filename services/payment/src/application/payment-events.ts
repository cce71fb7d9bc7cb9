import { createEvent, type EventEnvelope } from '@rc/contracts';
import type { Payment } from '../domain/payment';

/** `PaymentCaptured` of `payment` (keyed by its order). */
export function paymentCapturedEvent(payment: Payment): EventEnvelope {
  return createEvent('PaymentCaptured', payment.orderId, {
    paymentId: payment.id,
    orderId: payment.orderId,
    amount: payment.amount,
    currency: payment.currency,
  });
}

/** `PaymentFailed` of `payment` with a stable `reason` code (`PAYMENT.DECLINED`, …). */
export function paymentFailedEvent(payment: Payment, reason: string): EventEnvelope {
  return createEvent('PaymentFailed', payment.orderId, {
    paymentId: payment.id,
    orderId: payment.orderId,
    amount: payment.amount,
    currency: payment.currency,
    reason,
  });
}

/** `PaymentRefunded` of `payment`. */
export function paymentRefundedEvent(payment: Payment): EventEnvelope {
  return createEvent('PaymentRefunded', payment.orderId, {
    paymentId: payment.id,
    orderId: payment.orderId,
    amount: payment.amount,
    currency: payment.currency,
  });
}
