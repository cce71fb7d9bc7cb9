import { AppError } from '@rc/platform';

/** The cart store (Redis) did not answer: 503, the client may retry shortly. */
export class CartStoreUnavailableError extends AppError {
  readonly code = 'CART.STORE_UNAVAILABLE';
  readonly httpStatus = 503;
  /** The consumer/retry classifiers read this: trying again later can succeed. */
  readonly transient = true;

  constructor(cause: unknown) {
    super('The cart store is unavailable; try again shortly.', { cause, retryAfterMs: 1_000 });
  }
}

/** Adding a line would exceed the per-cart line limit: 422. */
export class CartTooManyLinesError extends AppError {
  readonly code = 'CART.TOO_MANY_LINES';
  readonly httpStatus = 422;
  readonly transient = false;

  constructor(readonly maxLines: number) {
    super(`A cart holds at most ${maxLines} different SKUs.`, { meta: { maxLines } });
  }
}
