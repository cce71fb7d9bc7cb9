/**
 * What a write did to one cart line, as the `carts` topic reports it: units added or removed
 * by this change (not the resulting quantity). A write that changes nothing (a retried SET with
 * the same quantity) is no change at all, so retries never produce duplicate events.
 */
export interface CartLineChange {
  type: 'CartItemAdded' | 'CartItemRemoved';
  cartId: string;
  sku: string;
  /** Units added or removed, always > 0. */
  quantity: number;
}

/**
 * The change from `before` to `after` units of `sku` (0 = no line), or undefined when the
 * quantity did not change.
 */
export function lineChange(
  cartId: string,
  sku: string,
  before: number,
  after: number,
): CartLineChange | undefined {
  if (after > before) return { type: 'CartItemAdded', cartId, sku, quantity: after - before };
  if (after < before) return { type: 'CartItemRemoved', cartId, sku, quantity: before - after };
  return undefined;
}
