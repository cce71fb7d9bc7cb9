import type { Cart } from '../domain/cart';
import type { CartRef, CartRepository } from '../domain/cart.repository';

/** Reads a cart; an unknown or expired cart is an empty one (never a 404). */
export class GetCart {
  constructor(private readonly carts: CartRepository) {}

  async execute(ref: CartRef): Promise<Cart> {
    return this.carts.get(ref);
  }
}
