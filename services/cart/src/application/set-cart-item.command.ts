import type { Cart } from '../domain/cart';
import type { CartEventSink } from '../domain/cart-events.port';
import { lineChange } from '../domain/cart-line-change';
import type { CartRepository } from '../domain/cart.repository';

/** Input of {@link SetCartItem}. */
export interface SetCartItemCommand {
  /** The signed-in customer whose cart it is. */
  owner: string;
  cartId: string;
  sku: string;
  /** The line's quantity after the write (SET semantics), > 0. */
  quantity: number;
}

/**
 * Sets a cart line to a quantity. SET rather than ADD so a retried request (lost response,
 * client retry) leaves the cart exactly as the first one did: the write is naturally
 * idempotent even without the Idempotency-Key replay. The change is then recorded, best-effort,
 * as `CartItemAdded` or `CartItemRemoved` carrying the difference; an unchanged line records
 * nothing.
 */
export class SetCartItem {
  constructor(
    private readonly carts: CartRepository,
    private readonly events: CartEventSink,
  ) {}

  async execute(command: SetCartItemCommand): Promise<Cart> {
    const { owner, cartId, sku, quantity } = command;
    const { cart, previousQuantity } = await this.carts.setItem({ owner, cartId }, sku, quantity);
    const change = lineChange(cartId, sku, previousQuantity, quantity);
    if (change) this.events.record(change);
    return cart;
  }
}
