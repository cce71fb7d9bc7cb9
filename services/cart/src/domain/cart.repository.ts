import type { Cart } from './cart';

/**
 * Which cart: the signed-in customer's cart `cartId`. Each customer has carts of their own, so
 * a cart id names nothing outside its owner's carts (two customers' `c1` are two carts).
 */
export interface CartRef {
  /** The customer the cart belongs to (from the verified token, never the request). */
  readonly owner: string;
  readonly cartId: string;
}

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
  get(ref: CartRef): Promise<Cart>;
  /**
   * Sets the quantity of `sku` (SET semantics: the line ends with exactly `quantity` units).
   * Raises `CartTooManyLinesError` when it would add a line to a full cart.
   */
  setItem(ref: CartRef, sku: string, quantity: number): Promise<CartWriteResult>;
  /** Removes the line of `sku` (a no-op when there is none). */
  removeItem(ref: CartRef, sku: string): Promise<CartWriteResult>;
}

/** DI token of the {@link CartRepository}. */
export const CART_REPOSITORY = Symbol('CartRepository');
