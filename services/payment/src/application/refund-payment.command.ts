import { createEvent } from '@rc/contracts';
import { randomUUID } from 'node:crypto';
import type { Payment } from '../domain/payment';
import { PaymentNotFoundError, PaymentNotRefundableError } from '../domain/payment.errors';
import type { PaymentProvider } from '../domain/payment-provider.port';
import type { PaymentReader, PaymentUnitOfWork } from '../domain/payment-store.port';

/**
 * Refunds a captured payment in full (checkout's compensation). Idempotent: a REFUNDED payment
 * is answered as it is. The provider is called first (idempotent per payment id there) and the
 * refund recorded afterwards in one transaction with `PaymentRefunded`; a crash in between is
 * healed by the retry, which calls the provider again (no second refund) and records it. The
 * UNIQUE refund per payment keeps concurrent compensations from recording two. A FAILED or
 * still-AUTHORIZED payment holds no money to give back: 409 `PAYMENT.NOT_REFUNDABLE`.
 */
export class RefundPayment {
  constructor(
    private readonly uow: PaymentUnitOfWork,
    private readonly reader: PaymentReader,
    private readonly provider: PaymentProvider,
  ) {}

  async execute(paymentId: string): Promise<Payment> {
    const payment = await this.reader.findById(paymentId);
    if (!payment) throw new PaymentNotFoundError(paymentId);
    if (payment.status === 'REFUNDED') return payment;
    if (payment.status !== 'CAPTURED')
      throw new PaymentNotRefundableError(paymentId, payment.status);

    await this.provider.refund({ paymentId, amount: payment.amount, currency: payment.currency });

    return this.uow.run(async (tx) => {
      const current = (await tx.lock(paymentId))!;
      if (current.status === 'REFUNDED') return current;
      await tx.insertRefund(randomUUID(), paymentId, current.amount);
      const refunded = await tx.setStatus(paymentId, 'REFUNDED');
      await tx.publish(
        createEvent('PaymentRefunded', current.orderId, {
          paymentId,
          orderId: current.orderId,
          amount: current.amount,
          currency: current.currency,
        }),
      );
      return refunded;
    });
  }
}
