// TODO(platform): extend the platform's AppError once @rc/platform exports it.
/** Base of the cart's domain errors: a stable `code` and the HTTP status the edge answers. */
export abstract class CartError extends Error {
  abstract readonly code: string;
  abstract readonly httpStatus: number;
  abstract readonly transient: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The cart store (Redis) did not answer: 503, the client may retry. */
export class CartStoreUnavailableError extends CartError {
  readonly code = 'CART.STORE_UNAVAILABLE';
  readonly httpStatus = 503;
  readonly transient = true;

  constructor(cause: unknown) {
    super('the cart store is unavailable, try again shortly', { cause });
  }
}

/** Adding a line would exceed the per-cart line limit: 422. */
export class CartTooManyLinesError extends CartError {
  readonly code = 'CART.TOO_MANY_LINES';
  readonly httpStatus = 422;
  readonly transient = false;

  constructor(readonly maxLines: number) {
    super(`a cart holds at most ${maxLines} different SKUs`);
  }
}
