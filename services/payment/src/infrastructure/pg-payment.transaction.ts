import type { EventEnvelope } from '@rc/contracts';
import { OUTBOX_COLUMNS, outbox } from '@rc/messaging';
import type { ClaimPart, StatementPart } from '@rc/resilience';
import type { ClientBase } from 'pg';
import type { Payment, PaymentStatus } from '../domain/payment';
import type { NewPayment, PaymentTransaction } from '../domain/payment-store.port';
import { PAYMENT_COLUMNS, type PaymentRow, toPayment } from './payment.rows';

/** Where the payment events go (the registered `payments` topic unless overridden). */
export interface EventRouting {
  topic?: string;
}

/**
 * {@link PaymentTransaction} on one pg client inside an open transaction, or on the pool for a
 * single atomic statement (`PgPaymentUnitOfWork.single`).
 */
export class PgPaymentTransaction implements PaymentTransaction {
  constructor(
    private readonly client: Pick<ClientBase, 'query'>,
    private readonly routing: EventRouting = {},
  ) {}

  async claim(payment: NewPayment, part?: ClaimPart): Promise<Payment | undefined> {
    // With the request's Idempotency-Key claimed in the same statement when a part is handed
    // over: its INSERT meeting an existing key fails (and undoes) the whole statement.
    const { rows } = await this.client.query<PaymentRow>(
      `${part ? `WITH ${part.cte('idem', 6)} ` : ''}
       INSERT INTO payments (id, order_id, amount_minor, currency, status, token_fingerprint)
       VALUES ($1, $2, $3, $4, 'AUTHORIZED', $5)
       ON CONFLICT (order_id) WHERE status <> 'FAILED' DO NOTHING
       RETURNING ${PAYMENT_COLUMNS}`,
      [
        payment.id,
        payment.orderId,
        payment.amount,
        payment.currency,
        payment.tokenFingerprint,
        ...(part?.values ?? []),
      ],
    );
    part?.settle();
    return rows[0] && toPayment(rows[0]);
  }

  async lockLiveForOrder(orderId: string): Promise<Payment | undefined> {
    const { rows } = await this.client.query<PaymentRow>(
      `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = $1 AND status <> 'FAILED' FOR UPDATE`,
      [orderId],
    );
    return rows[0] && toPayment(rows[0]);
  }

  async lock(paymentId: string): Promise<Payment | undefined> {
    const { rows } = await this.client.query<PaymentRow>(
      `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1 FOR UPDATE`,
      [paymentId],
    );
    return rows[0] && toPayment(rows[0]);
  }

  async takeOverStale(paymentId: string, staleAfterMs: number): Promise<boolean> {
    const { rowCount } = await this.client.query(
      `UPDATE payments SET updated_at = now(), reconcile_at = NULL
       WHERE id = $1 AND status = 'AUTHORIZED' AND updated_at < now() - make_interval(secs => $2)
         AND (reconcile_at IS NULL OR reconcile_at <= now())`,
      [paymentId, staleAfterMs / 1000],
    );
    return rowCount === 1;
  }

  async markOutcomeUnknown(paymentId: string): Promise<void> {
    await this.client.query(
      `UPDATE payments SET reconcile_at = now() WHERE id = $1 AND status = 'AUTHORIZED'`,
      [paymentId],
    );
  }

  async addPendingRefund(paymentId: string, lastError: string): Promise<void> {
    await this.client.query(
      `INSERT INTO pending_refunds (payment_id, last_error) VALUES ($1, $2)
       ON CONFLICT (payment_id) DO NOTHING`,
      [paymentId, lastError],
    );
  }

  async clearPendingRefund(paymentId: string): Promise<void> {
    await this.client.query('DELETE FROM pending_refunds WHERE payment_id = $1', [paymentId]);
  }

  async settleAuthorized(
    paymentId: string,
    status: Exclude<PaymentStatus, 'AUTHORIZED'>,
    event: EventEnvelope,
    declineCode?: string,
    completion?: StatementPart,
  ): Promise<Payment | undefined> {
    // The outbox row is selected from the UPDATE's RETURNING: it exists exactly when the
    // transition happened, in the same statement (one implicit transaction, one round trip) —
    // and so does the Idempotency-Key's completion, when the request hands one over.
    const { rows } = await this.client.query<PaymentRow & { idem?: unknown }>(
      `WITH settled AS (
         UPDATE payments SET status = $2, decline_code = $3, updated_at = now()
         WHERE id = $1 AND status = 'AUTHORIZED'
         RETURNING ${PAYMENT_COLUMNS}
       ), event AS (
         INSERT INTO outbox ${OUTBOX_COLUMNS}
         SELECT $4, $5, $6, $7, $8, $9 FROM settled
       )${completion ? `, ${completion.cte('idem', 10, 'EXISTS (SELECT 1 FROM settled)')}` : ''}
       SELECT *${completion ? `, ${completion.result('idem')} AS idem` : ''} FROM settled`,
      [
        paymentId,
        status,
        declineCode ?? null,
        ...outbox.row(event, this.eventOptions()),
        ...(completion?.values ?? []),
      ],
    );
    completion?.settle(rows[0]?.idem);
    return rows[0] && toPayment(rows[0]);
  }

  async setStatus(
    paymentId: string,
    status: PaymentStatus,
    declineCode?: string,
  ): Promise<Payment> {
    const { rows } = await this.client.query<PaymentRow>(
      `UPDATE payments SET status = $2, decline_code = $3, updated_at = now()
       WHERE id = $1 RETURNING ${PAYMENT_COLUMNS}`,
      [paymentId, status, declineCode ?? null],
    );
    if (!rows[0]) throw new Error(`payment ${paymentId} missing`);
    return toPayment(rows[0]);
  }

  async insertRefund(refundId: string, paymentId: string, amount: number): Promise<void> {
    await this.client.query(
      'INSERT INTO refunds (id, payment_id, amount_minor) VALUES ($1, $2, $3)',
      [refundId, paymentId, amount],
    );
  }

  async publish(event: EventEnvelope): Promise<void> {
    await outbox.add(this.client as ClientBase, event, this.eventOptions());
  }

  private eventOptions(): { topic?: string } {
    return this.routing.topic ? { topic: this.routing.topic } : {};
  }
}
