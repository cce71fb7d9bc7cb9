import { useCallback, useEffect, useState } from 'react';
import { call, newKey, type Problem } from '../api';
import { CustomerPicker } from '../components/CustomerPicker';
import { ProblemMessage } from '../components/ProblemMessage';
import { money } from '../format';
import type { Order, Product } from '../shop-types';
import { Checkout } from './Checkout';
import { Recommendations } from './Recommendations';
import { asCustomer, useCart } from './use-cart';
import { useCustomers } from './use-customers';

/**
 * The shop: catalogue, cart, checkout, the order, recommendations — as one of the console's
 * customers, chosen on the page (the BFF signs the calls in with that customer's token).
 */
export function Storefront() {
  const [products, setProducts] = useState<Product[] | undefined>();
  const [catalogueProblem, setCatalogueProblem] = useState<Problem | undefined>();
  const [order, setOrder] = useState<(Order & { degraded: string[] }) | undefined>();
  const shopper = useCustomers();
  const cart = useCart(shopper.customerId);

  const loadProducts = useCallback(async () => {
    const a = await call<{ items: Product[] }>('/api/shop/products');
    if (a.ok) {
      setProducts(a.body.items);
      setCatalogueProblem(undefined);
    } else setCatalogueProblem(a.problem);
  }, []);
  useEffect(() => void loadProducts(), [loadProducts]);

  const quantityOf = (sku: string) => cart.lines.find((l) => l.sku === sku)?.quantity ?? 0;
  const add = (sku: string) => void cart.setQuantity(sku, quantityOf(sku) + 1);
  const currency = products?.[0]?.currency ?? 'EUR';
  const total = cart.lines.reduce(
    (sum, l) => sum + l.quantity * (products?.find((p) => p.sku === l.sku)?.price ?? 0),
    0,
  );

  const placeOrder = async (token: string) => {
    const answer = await call<Order>('/api/shop/checkout', {
      method: 'POST',
      headers: { 'idempotency-key': newKey(), ...asCustomer(shopper.customerId) },
      body: {
        ...(shopper.customerId ? { customerId: shopper.customerId } : {}),
        ...(cart.cartDown ? {} : { cartId: cart.cartId }),
        items: cart.lines,
        payment: { token },
      },
    });
    if (answer.ok) {
      setOrder({ ...answer.body, degraded: answer.degraded });
      await cart.clear();
    }
    await loadProducts();
    return answer;
  };

  return (
    <div className="shop">
      <section className="catalogue" aria-label="Catalogue">
        <h1>Catalogue</h1>
        {catalogueProblem && <ProblemMessage problem={catalogueProblem} />}
        {!products && !catalogueProblem && <p>Loading the catalogue…</p>}
        <ul className="products">
          {products?.map((p) => (
            <li key={p.sku} className="product" data-testid={`product-${p.sku}`}>
              <strong>{p.name}</strong>
              <span className="price">{money(p.price, p.currency)}</span>
              <span className="stock" data-testid={`stock-${p.sku}`}>
                {p.available > 0 ? `${p.available} available` : 'out of stock'}
              </span>
              <button type="button" disabled={p.available <= 0} onClick={() => add(p.sku)}>
                Add to cart
              </button>
            </li>
          ))}
        </ul>
      </section>
      <aside className="side">
        <section className="cart" aria-label="Cart" data-testid="cart">
          <h2>Cart</h2>
          {shopper.problem && (
            <ProblemMessage problem={shopper.problem} testId="customer-problem" />
          )}
          {shopper.customers && (
            <CustomerPicker
              customers={shopper.customers}
              customerId={shopper.customerId}
              onChoose={(id) => {
                setOrder(undefined);
                shopper.choose(id);
              }}
            />
          )}
          {cart.cartDown && (
            <p className="badge warn" data-testid="cart-degraded">
              The cart service is not answering: your cart is kept on this page and sent with the
              order.
            </p>
          )}
          {cart.lines.length === 0 && <p>Your cart is empty.</p>}
          <ul>
            {cart.lines.map((l) => (
              <li key={l.sku} data-testid={`cart-line-${l.sku}`}>
                {products?.find((p) => p.sku === l.sku)?.name ?? l.sku} × {l.quantity}{' '}
                <button
                  type="button"
                  className="link"
                  onClick={() => void cart.setQuantity(l.sku, 0)}
                >
                  remove
                </button>
              </li>
            ))}
          </ul>
          {cart.lines.length > 0 && <p className="total">Total {money(total, currency)}</p>}
          <Checkout
            disabled={cart.lines.length === 0 || !shopper.customerId}
            onPlace={placeOrder}
          />
        </section>
        {order && (
          <section className="order" data-testid="order">
            <h2>Order confirmed</h2>
            <p>
              Order <code data-testid="order-id">{order.orderId}</code> — {order.status},{' '}
              {money(order.total, order.currency)}
            </p>
            {order.degraded.length > 0 && (
              <p className="badge warn" data-testid="order-degraded">
                placed with fallbacks: {order.degraded.join(', ')}
              </p>
            )}
          </section>
        )}
        {products && (
          <Recommendations
            skus={
              cart.lines.length > 0
                ? cart.lines.map((l) => l.sku)
                : (order?.items.map((i) => i.sku) ?? [])
            }
            products={products}
            onAdd={add}
          />
        )}
      </aside>
    </div>
  );
}
