import { useCallback, useEffect, useState } from 'react';
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

/**
 * The cart: kept by the cart service, and always also on the page. When the cart service does
 * not answer, the page's lines stay the cart (checkout takes them in its body), and `cartDown`
 * says so.
 */
export function useCart() {
  const [cartId] = useState(cartIdOfTab);
  const [lines, setLines] = useState<Line[]>([]);
  const [cartDown, setCartDown] = useState(false);

  useEffect(() => {
    void call<{ items: Line[] }>(`/api/shop/carts/${cartId}`).then((a) => {
      if (a.ok) setLines(a.body.items);
      else setCartDown(true);
    });
  }, [cartId]);

  const setQuantity = useCallback(
    async (sku: string, quantity: number) => {
      setLines((current) => setLine(current, sku, quantity));
      const answer =
        quantity > 0
          ? await call<{ items: Line[] }>(`/api/shop/carts/${cartId}/items`, {
              method: 'POST',
              body: { sku, quantity },
              headers: { 'idempotency-key': newKey() },
            })
          : await call<{ items: Line[] }>(`/api/shop/carts/${cartId}/items/${sku}`, {
              method: 'DELETE',
              headers: { 'idempotency-key': newKey() },
            });
      setCartDown(!answer.ok);
    },
    [cartId],
  );

  const clear = useCallback(async () => {
    const current = lines;
    setLines([]);
    await Promise.all(current.map((l) => setQuantity(l.sku, 0)));
  }, [lines, setQuantity]);

  return { cartId, lines, cartDown, setQuantity, clear };
}
