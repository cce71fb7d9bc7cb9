import { AppError } from '@rc/platform';

interface CheckoutErrorOptions {
  cause?: unknown;
  meta?: Record<string, unknown>;
  retryAfterMs?: number;
  /** The order this outcome belongs to, when one was stored. */
  orderId?: string;
}

/**
 * Base of checkout's errors. `final` is true when the error is the settled outcome of a stored
 * order (it FAILED, or is being compensated towards FAILED): the same Idempotency-Key will
 * always get this answer, so the edge stores it as the key's response. Errors raised before an
 * order exists (cart or catalogue unavailable, bad input) are not final: a retry may succeed.
 */
export abstract class CheckoutError extends AppError {
  readonly final: boolean;

  constructor(message: string, options: CheckoutErrorOptions = {}) {
    const meta =
      options.orderId === undefined ? options.meta : { orderId: options.orderId, ...options.meta };
    super(message, { cause: options.cause, meta, retryAfterMs: options.retryAfterMs });
    this.final = options.orderId !== undefined;
  }
}

/** The cart could not be read and the body carries no items: 503. */
export class CartUnavailableError extends CheckoutError {
  readonly code = 'CHECKOUT.CART_UNAVAILABLE';
  readonly httpStatus = 503;
  constructor(cause: unknown) {
    super('The cart is unavailable and the request carries no items; retry shortly.', {
      cause,
      retryAfterMs: 1_000,
    });
  }
}

/** Neither the cart nor the body has any item: 422. */
export class EmptyCartError extends CheckoutError {
  readonly code = 'CHECKOUT.EMPTY_CART';
  readonly httpStatus = 422;
  constructor() {
    super('There is nothing to check out: the cart is empty and the request carries no items.');
  }
}

/** More order lines than a checkout accepts: 422. */
export class TooManyLinesError extends CheckoutError {
  readonly code = 'CHECKOUT.TOO_MANY_LINES';
  readonly httpStatus = 422;
  constructor(maxLines: number) {
    super(`An order holds at most ${maxLines} different SKUs.`, { meta: { maxLines } });
  }
}

/** A SKU the catalogue does not know: 422. */
export class UnknownSkuError extends CheckoutError {
  readonly code = 'CHECKOUT.UNKNOWN_SKU';
  readonly httpStatus = 422;
  constructor(skus: readonly string[], orderId?: string) {
    super(
      skus.length > 0 ? `Unknown SKU: ${skus.join(', ')}.` : 'The order contains an unknown SKU.',
      { meta: { skus }, orderId },
    );
  }
}

/** The ordered products are priced in different currencies: 422. */
export class MixedCurrencyError extends CheckoutError {
  readonly code = 'CHECKOUT.MIXED_CURRENCY';
  readonly httpStatus = 422;
  constructor(currencies: readonly string[]) {
    super(`One order cannot mix currencies (${currencies.join(', ')}).`, { meta: { currencies } });
  }
}

/** Inventory could not price or reserve the items: 503. */
export class InventoryUnavailableError extends CheckoutError {
  readonly code = 'CHECKOUT.INVENTORY_UNAVAILABLE';
  readonly httpStatus = 503;
  constructor(options: { cause?: unknown; orderId?: string } = {}) {
    super(
      options.orderId === undefined
        ? 'Inventory is unavailable; retry shortly.'
        : 'Inventory was unavailable; the order failed and nothing was charged. Start a new checkout with a new Idempotency-Key.',
      { ...options, retryAfterMs: 1_000 },
    );
  }
}

/** Another request (or the recovery worker) is still working on this order: 409. */
export class CheckoutInProgressError extends CheckoutError {
  readonly code = 'CHECKOUT.IN_PROGRESS';
  readonly httpStatus = 409;
  constructor(orderId: string, status: string) {
    // Not `final`: the answer changes once the saga ends. The order id goes in meta directly.
    super('This checkout is still in progress; retry with the same Idempotency-Key shortly.', {
      meta: { orderId, status },
      retryAfterMs: 1_000,
    });
  }
}

/** Inventory could not reserve every line: 409, the order FAILED. */
export class OutOfStockError extends CheckoutError {
  readonly code = 'CHECKOUT.OUT_OF_STOCK';
  readonly httpStatus = 409;
  constructor(orderId: string, skus: readonly string[]) {
    super(skus.length > 0 ? `Not enough stock for: ${skus.join(', ')}.` : 'Not enough stock.', {
      meta: { skus },
      orderId,
    });
  }
}

/** The payment was declined: 402, the order FAILED and its stock was released. */
export class PaymentDeclinedError extends CheckoutError {
  readonly code = 'CHECKOUT.PAYMENT_DECLINED';
  readonly httpStatus = 402;
  constructor(orderId: string, declineCode?: string) {
    super('The payment was declined.', {
      meta: declineCode === undefined ? {} : { declineCode },
      orderId,
    });
  }
}

/** Payment was unavailable or its outcome unknown: 503, the order fails and is compensated. */
export class PaymentUnavailableError extends CheckoutError {
  readonly code = 'CHECKOUT.PAYMENT_UNAVAILABLE';
  readonly httpStatus = 503;
  constructor(orderId: string, cause?: unknown) {
    super(
      'Payment was unavailable; the order failed and any charge is refunded. Start a new checkout with a new Idempotency-Key.',
      { cause, orderId, retryAfterMs: 1_000 },
    );
  }
}

/** The saga was interrupted (crash, lost request) and the recovery worker compensated it: 503. */
export class CheckoutInterruptedError extends CheckoutError {
  readonly code = 'CHECKOUT.INTERRUPTED';
  readonly httpStatus = 503;
  constructor(orderId: string) {
    super(
      'The checkout was interrupted and cancelled; its stock is released and any charge refunded. Start a new checkout with a new Idempotency-Key.',
      { orderId, retryAfterMs: 1_000 },
    );
  }
}

/** No order with this id: 404. */
export class OrderNotFoundError extends CheckoutError {
  readonly code = 'CHECKOUT.ORDER_NOT_FOUND';
  readonly httpStatus = 404;
  constructor(orderId: string) {
    super('No order with this id.', { meta: { orderId } });
  }
}

/** Failure codes stored on orders (the `code` of the error that failed them). */
export const FAILURE_CODES = {
  outOfStock: 'CHECKOUT.OUT_OF_STOCK',
  unknownSku: 'CHECKOUT.UNKNOWN_SKU',
  inventoryUnavailable: 'CHECKOUT.INVENTORY_UNAVAILABLE',
  paymentDeclined: 'CHECKOUT.PAYMENT_DECLINED',
  paymentUnavailable: 'CHECKOUT.PAYMENT_UNAVAILABLE',
  interrupted: 'CHECKOUT.INTERRUPTED',
} as const;

/** One of {@link FAILURE_CODES}. */
export type FailureCode = (typeof FAILURE_CODES)[keyof typeof FAILURE_CODES];

/**
 * The error a FAILED order answers with (a retry of its checkout, after the first answer was
 * lost). Unknown codes — written by a newer version — answer as an interruption.
 */
export function errorForFailedOrder(orderId: string, failureCode: string | null): CheckoutError {
  switch (failureCode) {
    case FAILURE_CODES.outOfStock:
      return new OutOfStockError(orderId, []);
    case FAILURE_CODES.unknownSku:
      return new UnknownSkuError([], orderId);
    case FAILURE_CODES.inventoryUnavailable:
      return new InventoryUnavailableError({ orderId });
    case FAILURE_CODES.paymentDeclined:
      return new PaymentDeclinedError(orderId);
    case FAILURE_CODES.paymentUnavailable:
      return new PaymentUnavailableError(orderId);
    default:
      return new CheckoutInterruptedError(orderId);
  }
}
