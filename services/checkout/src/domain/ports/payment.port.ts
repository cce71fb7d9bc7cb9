/** A charge checkout asks for. */
export interface ChargeRequest {
  readonly orderId: string;
  /** Minor units, > 0. */
  readonly amount: number;
  readonly currency: string;
  /** Payment-method token: a secret, never logged or stored. */
  readonly token: string;
}

/**
 * What a charge settled to.
 * - `captured`: the money is taken;
 * - `declined`: the provider said no (nothing captured);
 * - `not_charged`: payment answered that nothing was captured (provider unavailable), or no
 *   request ever left this process;
 * - `unknown`: no definite answer (timeout, 5xx, reset, in-flight conflict): a capture may exist
 *   now or appear shortly, so only a later look at the order's payments can tell.
 */
export type ChargeResult =
  | { readonly kind: 'captured'; readonly paymentId: string }
  | { readonly kind: 'declined'; readonly declineCode?: string }
  | { readonly kind: 'not_charged'; readonly cause: unknown }
  | { readonly kind: 'unknown'; readonly cause: unknown };

/** Payment status as the payment service reports it. */
export type PaymentStatus = 'AUTHORIZED' | 'CAPTURED' | 'REFUNDED' | 'FAILED';

/** One payment of an order. */
export interface PaymentSummary {
  readonly paymentId: string;
  readonly status: PaymentStatus;
}

/** The payment service. */
export interface PaymentPort {
  /** Charges once per order (idempotency key `order:<id>:charge`, derived by checkout). */
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /** Every payment recorded for `orderId`. Throws when payment cannot answer. */
  paymentsOf(orderId: string): Promise<PaymentSummary[]>;
  /** Refunds a captured payment (idempotency key `order:<id>:refund`). Throws on failure. */
  refund(orderId: string, paymentId: string): Promise<void>;
}

/** DI token of {@link PaymentPort}. */
export const PAYMENT_PORT = Symbol('PaymentPort');
