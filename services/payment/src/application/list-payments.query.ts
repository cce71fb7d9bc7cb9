import type { Payment } from '../domain/payment';
import type { PaymentReader } from '../domain/payment-store.port';

/** Every payment attempt of an order, oldest first (checkout's compensation reads this). */
export class ListPayments {
  constructor(private readonly reader: PaymentReader) {}

  execute(orderId: string): Promise<Payment[]> {
    return this.reader.listByOrder(orderId);
  }
}
