import { useCallback, useEffect, useRef, useState } from 'react';
import { call, newKey } from '../api';
import type { Line } from '../shop-types';

/** The cart id of this browser tab (a new one per tab, kept across reloads). */
function cartIdOfTab(): string {
  const existing = sessionStorage.getItem('rc-cart-id');
  if (existing) return existing;
  const id = `web-${crypto.randomUUID().slice(0, 18)}`;
  sessionStorage.setItem('rc-cart-id', id);
  return id;
}

/** A line list with one SKU set to `quantity` (0 removes it). */
export function setLine(lines: readonly Line[], sku: string, quantity: number): Line[] {
  const rest = lines.filter((l) => l.sku !== sku);
  return quantity > 0 ? [...rest, { sku, quantity }] : rest;
}

/** The header naming the customer the page acts as (the BFF puts on that customer's token). */
export function asCustomer(customerId: string | undefined): Record<string, string> {
  return customerId ? { 'x-customer-id': customerId } : {};
}

/**
 * The cart of the chosen customer: kept by the cart service (each customer has their own, so
 * choosing another customer shows theirs), and always also on the page. When the cart service
 * does not answer, the page's lines stay the cart (checkout takes them in its body), and
 * `cartDown` says so. Nothing is asked before a customer is chosen.
 */
export function useCart(customerId: string | undefined) {
  const [cartId] = useState(cartIdOfTab);
  const [lines, setLines] = useState<Line[]>([]);
  const [cartDown, setCartDown] = useState(false);
  // Counts the cart's reads and writes: an answer is applied only while nothing newer was sent,
  // so a slow first read cannot take a line the shopper added meanwhile off the page.
  const latest = useRef(0);

  useEffect(() => {
    if (!customerId) return;
    const read = ++latest.current;
    setLines([]);
    void call<{ items: Line[] }>(`/api/shop/carts/${cartId}`, {
      headers: asCustomer(customerId),
    }).then((a) => {
      if (read !== latest.current) return;
      if (a.ok) setLines(a.body.items);
      setCartDown(!a.ok);
    });
  }, [cartId, customerId]);

  const setQuantity = useCallback(
    async (sku: string, quantity: number) => {
      setLines((current) => setLine(current, sku, quantity));
      if (!customerId) return;
      const write = ++latest.current;
      const headers = { 'idempotency-key': newKey(), ...asCustomer(customerId) };
      const answer =
        quantity > 0
          ? await call<{ items: Line[] }>(`/api/shop/carts/${cartId}/items`, {
              method: 'POST',
              body: { sku, quantity },
              headers,
            })
          : await call<{ items: Line[] }>(`/api/shop/carts/${cartId}/items/${sku}`, {
              method: 'DELETE',
              headers,
            });
      setCartDown(!answer.ok);
      // The cart service's answer is the cart: it also carries what another tab changed.
      if (answer.ok && write === latest.current && Array.isArray(answer.body?.items))
        setLines(answer.body.items);
    },
    [cartId, customerId],
  );

  const clear = useCallback(async () => {
    const current = lines;
    setLines([]);
    await Promise.all(current.map((l) => setQuantity(l.sku, 0)));
  }, [lines, setQuantity]);

  return { cartId, lines, cartDown, setQuantity, clear };
}
