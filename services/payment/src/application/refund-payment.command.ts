import { isAppError } from '@rc/platform';
import { randomUUID } from 'node:crypto';
import type { Payment } from '../domain/payment';
import { PaymentNotFoundError, PaymentNotRefundableError } from '../domain/payment.errors';
import type { PaymentProvider } from '../domain/payment-provider.port';
import type { PaymentReader, PaymentUnitOfWork } from '../domain/payment-store.port';
import { paymentRefundedEvent } from './payment-events';

/** The payment after a refund request, and whether its refund is still pending (202). */
export interface RefundResult {
  payment: Payment;
  /** The provider could not refund yet: recorded, and retried by the worker until it is done. */
  pending: boolean;
}

/**
 * Refunds a captured payment in full (checkout's compensation). Idempotent: a REFUNDED payment
 * is answered as it is. The provider is called first (idempotent per payment id there) and the
 * refund recorded afterwards in one transaction with `PaymentRefunded`; a crash in between is
 * healed by the retry, which calls the provider again (no second refund) and records it. The
 * UNIQUE refund per payment keeps concurrent compensations from recording two. A FAILED or
 * still-AUTHORIZED payment holds no money to give back: 409 `PAYMENT.NOT_REFUNDABLE`.
 *
 * When the provider cannot refund now, the refund is recorded as pending (the payment stays
 * CAPTURED) and the reconciliation worker retries it with backoff until it is made
 * ({@link RefundPayment.retry}): once accepted, a refund is never just logged and forgotten.
 */
export class RefundPayment {
  constructor(
    private readonly uow: PaymentUnitOfWork,
    private readonly reader: PaymentReader,
    private readonly provider: PaymentProvider,
  ) {}

  async execute(paymentId: string): Promise<RefundResult> {
    const payment = await this.reader.findById(paymentId);
    if (!payment) throw new PaymentNotFoundError(paymentId);
    if (payment.status === 'REFUNDED') return { payment, pending: false };
    if (payment.status !== 'CAPTURED')
      throw new PaymentNotRefundableError(paymentId, payment.status);
    try {
      await this.provider.refund({ paymentId, amount: payment.amount, currency: payment.currency });
    } catch (error) {
      await this.uow.single((tx) => tx.addPendingRefund(paymentId, errorCodeOf(error)));
      return { payment, pending: true };
    }
    return { payment: await this.record(paymentId), pending: false };
  }

  /**
   * One retry of a pending refund (the worker's): made and recorded → the payment REFUNDED;
   * rejects when the provider still cannot refund (the refund stays pending). A payment no
   * longer CAPTURED (refunded meanwhile) just drops its pending refund.
   */
  async retry(paymentId: string): Promise<Payment> {
    const payment = await this.reader.findById(paymentId);
    if (!payment || payment.status !== 'CAPTURED') {
      await this.uow.single((tx) => tx.clearPendingRefund(paymentId));
      if (!payment) throw new PaymentNotFoundError(paymentId);
      return payment;
    }
    await this.provider.refund({ paymentId, amount: payment.amount, currency: payment.currency });
    return this.record(paymentId);
  }

  /** Records the refund the provider made: refunds row, REFUNDED, `PaymentRefunded`, no longer pending. */
  private record(paymentId: string): Promise<Payment> {
    return this.uow.run(async (tx) => {
      const current = (await tx.lock(paymentId))!;
      await tx.clearPendingRefund(paymentId);
      if (current.status === 'REFUNDED') return current;
      await tx.insertRefund(randomUUID(), paymentId, current.amount);
      const refunded = await tx.setStatus(paymentId, 'REFUNDED');
      await tx.publish(paymentRefundedEvent(current));
      return refunded;
    });
  }
}

/** A stable code for a failed provider call (logged and stored; never card data). */
export function errorCodeOf(error: unknown): string {
  return isAppError(error) ? error.code : 'UNEXPECTED';
}
