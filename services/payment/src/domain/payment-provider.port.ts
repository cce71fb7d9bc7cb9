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

/**
 * What the provider knows of a charge, looked up by its idempotency key (the payment id):
 * `captured` (money taken, with the amount), `declined`, or `not_found` (no charge was made
 * under that key — the request never reached it).
 */
export type ProviderChargeLookup =
  | { status: 'captured'; amount: number; currency: string }
  | { status: 'declined'; declineCode: string }
  | { status: 'not_found' };

/** A refund of a captured payment, idempotent per `paymentId` at the provider. */
export interface ProviderRefundRequest {
  paymentId: string;
  amount: number;
  currency: string;
}

/**
 * The payment provider (card network gateway). Charge and refund are idempotent per
 * `paymentId`, as real providers are per idempotency key: repeating one returns the first result
 * and moves no money twice. A decline is a result, not an error. A charge that provably did not
 * reach the provider (or that it refused before charging) rejects with
 * `ProviderUnavailableError`; one that may have reached it without a definite answer (a timeout
 * or a dropped connection after sending) rejects with `ChargeOutcomeUnknownError` — the money
 * may be taken, and only {@link PaymentProvider.lookup} can tell.
 */
export interface PaymentProvider {
  charge(request: ProviderChargeRequest): Promise<ProviderChargeResult>;
  refund(request: ProviderRefundRequest): Promise<void>;
  /** What became of the charge made under `paymentId`. Rejects when the provider cannot answer. */
  lookup(paymentId: string): Promise<ProviderChargeLookup>;
}

/** Keyed fingerprint of a card token (HMAC): compares cards without keeping the token. */
export interface TokenFingerprinter {
  fingerprint(token: string): string;
}
