import type { Payment } from '../domain/payment';
import { PaymentNotFoundError } from '../domain/payment.errors';
import type { PaymentReader } from '../domain/payment-store.port';

/** One payment; 404 `PAYMENT.NOT_FOUND` when absent. */
export class GetPayment {
  constructor(private readonly reader: PaymentReader) {}

  async execute(paymentId: string): Promise<Payment> {
    const payment = await this.reader.findById(paymentId);
    if (!payment) throw new PaymentNotFoundError(paymentId);
    return payment;
  }
}
