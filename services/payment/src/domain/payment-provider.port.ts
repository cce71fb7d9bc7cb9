/** A charge sent to the payment provider. `paymentId` is its idempotency key there. */
export interface ProviderChargeRequest {
  paymentId: string;
  amount: number;
  currency: string;
  /** Card token: a secret, never stored or logged. */
  token: string;
}

/** The provider's verdict on a charge. */
export type ProviderChargeResult =
  { outcome: 'approved' } | { outcome: 'declined'; declineCode: string };

/** A refund of a captured payment, idempotent per `paymentId` at the provider. */
export interface ProviderRefundRequest {
  paymentId: string;
  amount: number;
  currency: string;
}

/**
 * The payment provider (card network gateway). Both calls are idempotent per `paymentId`, as
 * real providers are per idempotency key: repeating one returns the first result and moves no
 * money twice. Failing to reach the provider rejects with `ProviderUnavailableError`; a decline
 * is a result, not an error.
 */
export interface PaymentProvider {
  charge(request: ProviderChargeRequest): Promise<ProviderChargeResult>;
  refund(request: ProviderRefundRequest): Promise<void>;
}

/** Keyed fingerprint of a card token (HMAC): compares cards without keeping the token. */
export interface TokenFingerprinter {
  fingerprint(token: string): string;
}
