import { CartUnavailableError, EmptyCartError, TooManyLinesError } from '../domain/checkout.errors';
import type { Degradation } from '../domain/degradation';
import type { CartLine, CartPort } from '../domain/ports/cart.port';

/** Where the lines of a checkout come from. */
export interface LineSource {
  readonly cartId?: string;
  /** The customer's credentials, for reading their cart. */
  readonly credentials?: string;
  /** Lines in the request body: the fallback when the cart cannot answer. */
  readonly items?: readonly CartLine[];
}

/** The lines to order and the fallbacks used to get them. */
export interface ResolvedLines {
  readonly lines: readonly CartLine[];
  readonly degraded: readonly Degradation[];
}

/**
 * Step 1: the cart's lines when a cart is named and answers with lines; otherwise the body's.
 * A failing cart (tier 2) does not fail a checkout that carries its items: it is recorded as
 * degraded `cart`. An empty cart is an answer, not a failure: the body's items are used
 * without marking anything degraded.
 * @throws CartUnavailableError the cart failed and the body has no items (503)
 * @throws EmptyCartError nothing to order (422)
 * @throws TooManyLinesError more than `maxLines` lines (422)
 */
export async function resolveOrderLines(
  cart: CartPort,
  source: LineSource,
  maxLines: number,
): Promise<ResolvedLines> {
  const bodyLines = source.items ?? [];
  let resolved: ResolvedLines;
  if (source.cartId === undefined) {
    resolved = { lines: bodyLines, degraded: [] };
  } else {
    let cartLines: CartLine[];
    try {
      cartLines = await cart.getLines(source.cartId, source.credentials);
    } catch (error) {
      if (bodyLines.length === 0) throw new CartUnavailableError(error);
      return checked({ lines: bodyLines, degraded: ['cart'] }, maxLines);
    }
    resolved = { lines: cartLines.length > 0 ? cartLines : bodyLines, degraded: [] };
  }
  return checked(resolved, maxLines);
}

function checked(resolved: ResolvedLines, maxLines: number): ResolvedLines {
  if (resolved.lines.length === 0) throw new EmptyCartError();
  if (resolved.lines.length > maxLines) throw new TooManyLinesError(maxLines);
  return resolved;
}
