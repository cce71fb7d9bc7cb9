import type { Cart } from './cart';

/** Result of a write: the cart after it and the line's quantity before it (0 = no line). */
export interface CartWriteResult {
  cart: Cart;
  previousQuantity: number;
}

/**
 * Port of the cart store. Every write is atomic per cart and refreshes the cart's expiry.
 * Implementations raise `CartStoreUnavailableError` when the store cannot answer.
 */
export interface CartRepository {
  /** The cart, or an empty cart when none is stored (or it expired). */
  get(cartId: string): Promise<Cart>;
  /**
   * Sets the quantity of `sku` (SET semantics: the line ends with exactly `quantity` units).
   * Raises `CartTooManyLinesError` when it would add a line to a full cart.
   */
  setItem(cartId: string, sku: string, quantity: number): Promise<CartWriteResult>;
  /** Removes the line of `sku` (a no-op when there is none). */
  removeItem(cartId: string, sku: string): Promise<CartWriteResult>;
}

/** DI token of the {@link CartRepository}. */
export const CART_REPOSITORY = Symbol('CartRepository');
