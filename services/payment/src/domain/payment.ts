/** Life of a payment: AUTHORIZED (claimed, at the provider) → CAPTURED → REFUNDED, or FAILED. */
export type PaymentStatus = 'AUTHORIZED' | 'CAPTURED' | 'REFUNDED' | 'FAILED';

/** A charge attempt for an order. Money in minor units of `currency`. */
export interface Payment {
  id: string;
  orderId: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  /** HMAC of the card token (the token itself is never kept). */
  tokenFingerprint: string;
  /** Why it failed, when FAILED (provider decline code or `provider_unavailable`). */
  declineCode: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a caller asks to charge. */
export interface ChargeRequest {
  orderId: string;
  amount: number;
  currency: string;
  /** Card token: a secret, never stored or logged. */
  token: string;
}

/** Decline code recorded when the provider could not be reached (nothing was charged). */
export const PROVIDER_UNAVAILABLE_CODE = 'provider_unavailable';

/** Whether `payment` is the same charge as the request (same amount, currency and card). */
export function isSameCharge(
  payment: Payment,
  request: Omit<ChargeRequest, 'token'>,
  tokenFingerprint: string,
): boolean {
  return (
    payment.orderId === request.orderId &&
    payment.amount === request.amount &&
    payment.currency === request.currency &&
    payment.tokenFingerprint === tokenFingerprint
  );
}
