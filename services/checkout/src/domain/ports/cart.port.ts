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
  /**
   * The lines of the customer's cart `cartId`; an unknown cart is empty. `credentials` are the
   * customer's (`Bearer <token>`): the cart service keeps each customer's carts apart.
   */
  getLines(cartId: string, credentials?: string): Promise<CartLine[]>;
}

/** DI token of {@link CartPort}. */
export const CART_PORT = Symbol('CartPort');
