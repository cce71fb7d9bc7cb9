import type { Payment, PaymentStatus } from '../domain/payment';

/** A `payments` row as pg returns it (bigint arrives as a string). */
export interface PaymentRow {
  id: string;
  order_id: string;
  amount_minor: string;
  currency: string;
  status: PaymentStatus;
  token_fingerprint: string;
  decline_code: string | null;
  created_at: Date;
  updated_at: Date;
}

/** Columns of {@link PaymentRow}. */
export const PAYMENT_COLUMNS =
  'id, order_id, amount_minor, currency, status, token_fingerprint, decline_code, created_at, updated_at';

export function toPayment(row: PaymentRow): Payment {
  return {
    id: row.id,
    orderId: row.order_id,
    amount: Number(row.amount_minor),
    currency: row.currency,
    status: row.status,
    tokenFingerprint: row.token_fingerprint,
    declineCode: row.decline_code,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
