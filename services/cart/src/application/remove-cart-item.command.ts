import type { Cart } from '../domain/cart';
import type { CartEventSink } from '../domain/cart-events.port';
import { lineChange } from '../domain/cart-line-change';
import type { CartRepository } from '../domain/cart.repository';

/** Input of {@link RemoveCartItem}. */
export interface RemoveCartItemCommand {
  /** The signed-in customer whose cart it is. */
  owner: string;
  cartId: string;
  sku: string;
}

/**
 * Removes a cart line. Removing a line that is not there is a success (the cart is as asked),
 * records no event, and so a retry is harmless.
 */
export class RemoveCartItem {
  constructor(
    private readonly carts: CartRepository,
    private readonly events: CartEventSink,
  ) {}

  async execute(command: RemoveCartItemCommand): Promise<Cart> {
    const { owner, cartId, sku } = command;
    const { cart, previousQuantity } = await this.carts.removeItem({ owner, cartId }, sku);
    const change = lineChange(cartId, sku, previousQuantity, 0);
    if (change) this.events.record(change);
    return cart;
  }
}
