/** A line as the cart holds it. */
export interface CartLine {
  readonly sku: string;
  readonly quantity: number;
}

/**
 * The cart service (tier 2). Implementations throw on any failure (unreachable, timeout, breaker
 * open, bad answer): checkout then falls back to the items in the request body.
 */
export interface CartPort {
  /** The cart's lines; an unknown cart is empty. */
  getLines(cartId: string): Promise<CartLine[]>;
}

/** DI token of {@link CartPort}. */
export const CART_PORT = Symbol('CartPort');
