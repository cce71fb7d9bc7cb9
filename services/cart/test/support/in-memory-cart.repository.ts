import { type Cart, cartFromLines } from '../../src/domain/cart';
import type { CartLineChange } from '../../src/domain/cart-line-change';
import type { CartEventSink } from '../../src/domain/cart-events.port';
import type { CartRef, CartRepository, CartWriteResult } from '../../src/domain/cart.repository';
import { CartTooManyLinesError } from '../../src/domain/cart.errors';

/** A {@link CartRepository} in a Map, for unit tests of the use cases. */
export class InMemoryCartRepository implements CartRepository {
  readonly carts = new Map<string, Map<string, number>>();

  constructor(private readonly maxLines = 100) {}

  async get(ref: CartRef): Promise<Cart> {
    return cartFromLines(ref.cartId, this.carts.get(keyOf(ref)) ?? []);
  }

  async setItem(ref: CartRef, sku: string, quantity: number): Promise<CartWriteResult> {
    const { cartId } = ref;
    const lines = this.carts.get(keyOf(ref)) ?? new Map<string, number>();
    const previousQuantity = lines.get(sku) ?? 0;
    if (previousQuantity === 0 && lines.size >= this.maxLines) {
      throw new CartTooManyLinesError(this.maxLines);
    }
    lines.set(sku, quantity);
    this.carts.set(keyOf(ref), lines);
    return { cart: cartFromLines(cartId, lines), previousQuantity };
  }

  async removeItem(ref: CartRef, sku: string): Promise<CartWriteResult> {
    const { cartId } = ref;
    const lines = this.carts.get(keyOf(ref)) ?? new Map<string, number>();
    const previousQuantity = lines.get(sku) ?? 0;
    lines.delete(sku);
    if (lines.size === 0) this.carts.delete(keyOf(ref));
    return { cart: cartFromLines(cartId, lines), previousQuantity };
  }
}

function keyOf(ref: CartRef): string {
  return `${ref.owner}:${ref.cartId}`;
}

/** A {@link CartEventSink} that keeps what it was given. */
export class RecordingEventSink implements CartEventSink {
  readonly changes: CartLineChange[] = [];

  record(change: CartLineChange): void {
    this.changes.push(change);
  }
}
