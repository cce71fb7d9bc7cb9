/** How a checkout ended, for the saga outcome metric. */
export type SagaResult =
  /** CONFIRMED (also when answered from a confirmed order). */
  | 'confirmed'
  /** The order FAILED and everything was compensated. */
  | 'failed'
  /** The order failed but compensation continues in the recovery worker. */
  | 'compensating'
  /** Another request or the worker holds the order: 409. */
  | 'in_progress'
  /** Refused before an order was stored (bad input, cart/catalogue unavailable). */
  | 'rejected';

/** The saga step a checkout ended in. */
export type SagaStep =
  'existing' | 'resolve' | 'price' | 'create' | 'reserve' | 'charge' | 'confirm';

/** What the recovery worker did with a stalled order. */
export type RecoveryAction = 'confirmed' | 'compensated' | 'retry_later' | 'error';

/** Saga and recovery metrics (port; the prom-client adapter lives in infrastructure/). */
export interface CheckoutMetrics {
  /** One checkout finished with `result` in `step`, after `seconds`. */
  sagaFinished(result: SagaResult, step: SagaStep, seconds: number): void;
  /** The recovery worker acted on an order found in `fromStatus`. */
  recoveryAction(action: RecoveryAction, fromStatus: string): void;
}

/** DI token of {@link CheckoutMetrics}. */
export const CHECKOUT_METRICS = Symbol('CheckoutMetrics');

/** Metrics that go nowhere (tests that do not look at metrics). */
export const noCheckoutMetrics: CheckoutMetrics = {
  sagaFinished: () => undefined,
  recoveryAction: () => undefined,
};
