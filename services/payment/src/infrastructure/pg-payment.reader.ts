import type { Pool } from 'pg';
import type { Payment } from '../domain/payment';
import type { PaymentReader } from '../domain/payment-store.port';
import { PAYMENT_COLUMNS, type PaymentRow, toPayment } from './payment.rows';

/** Read side on the pool, without locks. */
export class PgPaymentReader implements PaymentReader {
  constructor(private readonly pool: Pool) {}

  async findById(paymentId: string): Promise<Payment | undefined> {
    const { rows } = await this.pool.query<PaymentRow>(
      `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1`,
      [paymentId],
    );
    return rows[0] && toPayment(rows[0]);
  }

  async listByOrder(orderId: string): Promise<Payment[]> {
    const { rows } = await this.pool.query<PaymentRow>(
      `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = $1 ORDER BY created_at, id`,
      [orderId],
    );
    return rows.map(toPayment);
  }
}
