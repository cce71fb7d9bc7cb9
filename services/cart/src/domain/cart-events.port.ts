import type { CartLineChange } from './cart-line-change';

/**
 * Port of the best-effort event stream of cart changes. `record` must return at once and never
 * throw: publishing happens in the background, and losing an event is acceptable (tier 2: the
 * consumers, analytics and recommendations, degrade a little), failing or slowing a cart write
 * is not.
 */
export interface CartEventSink {
  record(change: CartLineChange): void;
}

/** DI token of the {@link CartEventSink}. */
export const CART_EVENT_SINK = Symbol('CartEventSink');
