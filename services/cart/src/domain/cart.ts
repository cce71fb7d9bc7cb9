/**
 * A shopping cart: a set of lines, at most one per SKU, each with a quantity. The cart is a
 * convenience for the customer, not a commitment: it does not check SKUs against the catalogue
 * or stock (tier 2 must keep accepting writes while tier 1 is down; checkout validates and prices
 * at purchase time).
 */
export interface Cart {
  cartId: string;
  /** Lines sorted by SKU, so the same cart always reads the same. */
  items: CartLine[];
}

/** One line of a cart. */
export interface CartLine {
  sku: string;
  quantity: number;
}

/** Cart ids are chosen by clients: 1–64 letters, digits, `_` or `-` (safe inside a Redis key). */
export const CART_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** True when `cartId` is a valid cart id. */
export function isValidCartId(cartId: string): boolean {
  return CART_ID_PATTERN.test(cartId);
}

/** Builds a cart from stored `sku → quantity` pairs, dropping entries that are not positive. */
export function cartFromLines(cartId: string, lines: Iterable<[string, number]>): Cart {
  const items: CartLine[] = [];
  for (const [sku, quantity] of lines) {
    if (Number.isInteger(quantity) && quantity > 0) items.push({ sku, quantity });
  }
  items.sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  return { cartId, items };
}
