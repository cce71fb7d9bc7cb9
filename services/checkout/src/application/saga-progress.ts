import type { SagaStep } from './checkout-metrics';

/** Mutable record of how far one checkout got, for metrics and for the answer after a failure. */
export interface SagaProgress {
  step: SagaStep;
  /** The order failed but its compensation was left to the recovery worker. */
  compensationPending: boolean;
}

/** A fresh progress record at step `resolve`. */
export function newSagaProgress(): SagaProgress {
  return { step: 'resolve', compensationPending: false };
}
