import { AppError } from '@rc/platform';
import type { PaymentStatus } from './payment';

/**
 * Base of the payment service's errors. `meta` becomes extension members of the problem+json
 * body, so it never reuses the problem's own member names (`status`, `code`, …) and never holds
 * card data or tokens.
 */
export abstract class PaymentError extends AppError {
  readonly transient: boolean = false;
}

/** The provider declined the card; the FAILED payment is recorded (402). */
export class PaymentDeclinedError extends PaymentError {
  readonly code = 'PAYMENT.DECLINED';
  readonly httpStatus = 402;

  constructor(
    readonly paymentId: string,
    readonly declineCode: string,
  ) {
    super('The payment was declined.', { meta: { paymentId, declineCode } });
  }
}

/**
 * The provider could not be reached, or refused before charging (outage, open breaker, a call
 * never sent): nothing was captured and the attempt is recorded as FAILED; a retry may succeed
 * (503). An ambiguous failure is {@link ChargeOutcomeUnknownError} instead.
 */
export class ProviderUnavailableError extends PaymentError {
  readonly code = 'PAYMENT.PROVIDER_UNAVAILABLE';
  readonly httpStatus = 503;
  override readonly transient = true;

  constructor(cause: unknown, retryAfterMs = 1_000) {
    super('The payment provider is unavailable; nothing was charged. Try again shortly.', {
      cause,
      retryAfterMs,
    });
  }
}

/**
 * The charge may have reached the provider but no definite answer came back (a timeout or a
 * dropped connection after sending): the money may be taken. The payment stays AUTHORIZED and
 * the reconciliation worker asks the provider what happened; it is never read as "not charged".
 * 504 with code `PAYMENT.OUTCOME_UNKNOWN` — the key is released, and a retry meets the open
 * claim (409 `PAYMENT.IN_PROGRESS`) until the outcome is settled.
 */
export class ChargeOutcomeUnknownError extends PaymentError {
  readonly code = 'PAYMENT.OUTCOME_UNKNOWN';
  readonly httpStatus = 504;
  override readonly transient = true;

  constructor(cause: unknown, retryAfterMs = 1_000) {
    super(
      'The payment provider did not answer; the charge may have been made. Its outcome will be reconciled.',
      { cause, retryAfterMs },
    );
  }
}

/** No payment with this id (404). */
export class PaymentNotFoundError extends PaymentError {
  readonly code = 'PAYMENT.NOT_FOUND';
  readonly httpStatus = 404;

  constructor(readonly paymentId: string) {
    super(`No payment ${paymentId}.`, { meta: { paymentId } });
  }
}

/** Only a CAPTURED (or already REFUNDED) payment can be refunded (409). */
export class PaymentNotRefundableError extends PaymentError {
  readonly code = 'PAYMENT.NOT_REFUNDABLE';
  readonly httpStatus = 409;

  constructor(
    readonly paymentId: string,
    readonly paymentStatus: PaymentStatus,
  ) {
    super(`Payment ${paymentId} is ${paymentStatus} and cannot be refunded.`, {
      meta: { paymentId, paymentStatus },
    });
  }
}

/**
 * The order already has a live payment that is not this charge (another amount or card), or
 * that was refunded: one live payment per order (409).
 */
export class OrderAlreadyPaidError extends PaymentError {
  readonly code = 'PAYMENT.ORDER_ALREADY_PAID';
  readonly httpStatus = 409;

  constructor(
    readonly orderId: string,
    readonly paymentId: string,
    readonly paymentStatus: PaymentStatus,
  ) {
    super(`Order ${orderId} already has payment ${paymentId} (${paymentStatus}).`, {
      meta: { orderId, paymentId, paymentStatus },
    });
  }
}

/** The same charge is being processed by another request right now (409, retry shortly). */
export class PaymentInProgressError extends PaymentError {
  readonly code = 'PAYMENT.IN_PROGRESS';
  readonly httpStatus = 409;
  override readonly transient = true;

  constructor(
    readonly orderId: string,
    readonly paymentId: string | null,
  ) {
    super(`A charge for order ${orderId} is in progress.`, {
      meta: { orderId, paymentId },
      retryAfterMs: 1_000,
    });
  }
}
