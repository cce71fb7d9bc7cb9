import { useEffect, useState } from 'react';
import { call } from '../api';
import type { Product } from '../shop-types';

/**
 * Suggestions for what is in hand. When recommendations are degraded (`x-degraded:
 * recommendations`), the static best-sellers are shown and labelled as such.
 */
export function Recommendations({
  skus,
  products,
  onAdd,
}: {
  skus: string[];
  products: Product[];
  onAdd: (sku: string) => void;
}) {
  const [state, setState] = useState<
    { skus: string[]; bestsellers: boolean; degraded: boolean } | undefined
  >();
  const key = skus.join(',');
  useEffect(() => {
    let live = true;
    void call<{ skus: string[]; source?: string }>(
      `/api/shop/recommendations?skus=${encodeURIComponent(key)}`,
    ).then((a) => {
      if (!live) return;
      if (a.ok)
        setState({
          skus: a.body.skus,
          bestsellers: a.body.source === 'bestsellers',
          degraded: a.degraded.includes('recommendations'),
        });
      else setState({ skus: [], bestsellers: true, degraded: true });
    });
    return () => {
      live = false;
    };
  }, [key]);
  if (!state) return null;
  const shown = state.skus
    .map((sku) => products.find((p) => p.sku === sku))
    .filter((p): p is Product => p !== undefined)
    .slice(0, 4);
  return (
    <section className="recommendations" data-testid="recommendations">
      <h2>
        {state.bestsellers || state.degraded ? 'Best-sellers' : 'You may also like'}
        {state.degraded && (
          <span className="badge warn" data-testid="recommendations-degraded">
            recommendations unavailable — showing best-sellers
          </span>
        )}
      </h2>
      <ul>
        {shown.map((p) => (
          <li key={p.sku}>
            {p.name}{' '}
            <button type="button" className="link" onClick={() => onAdd(p.sku)}>
              add
            </button>
          </li>
        ))}
        {shown.length === 0 && <li>Nothing to suggest yet.</li>}
      </ul>
    </section>
  );
}
