/** @jest-environment jsdom */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { fakeFetch } from '../../test/fake-fetch';
import { Storefront } from './Storefront';

const PRODUCTS = {
  items: [
    { sku: 'TENT-1', name: 'Tent', price: 19_900, currency: 'EUR', available: 3 },
    { sku: 'SOCK-1', name: 'Socks', price: 990, currency: 'EUR', available: 0 },
  ],
};

const CUSTOMERS = {
  status: 200,
  body: { customers: [{ customerId: 'customer-a1' }, { customerId: 'customer-b2' }] },
};

describe('Storefront', () => {
  beforeEach(() => sessionStorage.clear());

  it('when the cart service is down, then the cart is kept on the page and sent with the order, and a 402 shows its title and detail', async () => {
    const calls = fakeFetch({
      'GET /api/shop/customers': CUSTOMERS,
      'GET /api/shop/products': { status: 200, body: PRODUCTS },
      'POST /api/shop/checkout': {
        status: 402,
        body: {
          title: 'Payment Required',
          detail: 'The payment was declined.',
          code: 'CHECKOUT.PAYMENT_DECLINED',
        },
      },
      'GET /api/shop/recommendations': { status: 200, body: { skus: [] } },
    });
    render(<Storefront />);

    await screen.findByText('Tent');
    fireEvent.click(screen.getAllByRole('button', { name: 'Add to cart' })[0]!);
    await screen.findByTestId('cart-degraded');
    await act(async () => {
      fireEvent.change(screen.getByTestId('card'), { target: { value: 'tok_declined' } });
      fireEvent.click(screen.getByRole('button', { name: 'Place order' }));
    });
    const problem = await screen.findByTestId('checkout-problem');

    expect(problem.textContent).toContain('Payment Required');
    expect(problem.textContent).toContain('The payment was declined.');
    expect(problem.textContent).toContain('HTTP 402');
    const checkout = calls.find((c) => c.path === '/api/shop/checkout')!;
    expect(checkout.body).toMatchObject({
      customerId: 'customer-a1',
      items: [{ sku: 'TENT-1', quantity: 1 }],
      payment: { token: 'tok_declined' },
    });
    expect(checkout.body).not.toHaveProperty('cartId');
    expect(checkout.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    // The first customer by default, named by id: the token stays in the BFF.
    expect(checkout.headers['x-customer-id']).toBe('customer-a1');
    expect(JSON.stringify(calls)).not.toMatch(/authorization|bearer/i);
    expect(screen.getByTestId('stock-SOCK-1').textContent).toBe('out of stock');
  });

  it('when the shopper picks another customer, then that customer’s cart is read and the cart calls name them', async () => {
    const calls = fakeFetch({
      'GET /api/shop/customers': CUSTOMERS,
      'GET /api/shop/products': { status: 200, body: PRODUCTS },
      'GET /api/shop/recommendations': { status: 200, body: { skus: [] } },
    });
    const cartId = `web-${'a'.repeat(18)}`;
    sessionStorage.setItem('rc-cart-id', cartId);
    render(<Storefront />);

    const picker = await screen.findByTestId<HTMLSelectElement>('customer');
    expect(picker.value).toBe('customer-a1');
    await act(async () => {
      fireEvent.change(picker, { target: { value: 'customer-b2' } });
    });

    await waitFor(() =>
      expect(
        calls.filter((c) => c.path === `/api/shop/carts/${cartId}`).map((c) => c.headers),
      ).toEqual([{ 'x-customer-id': 'customer-a1' }, { 'x-customer-id': 'customer-b2' }]),
    );
    expect(sessionStorage.getItem('rc-customer-id')).toBe('customer-b2');
  });

  it('when an item is added before the cart has been read, then the late read does not take the line off the page', async () => {
    const cartId = `web-${'c'.repeat(18)}`;
    sessionStorage.setItem('rc-cart-id', cartId);
    fakeFetch({
      'GET /api/shop/customers': CUSTOMERS,
      'GET /api/shop/products': { status: 200, body: PRODUCTS },
      'GET /api/shop/recommendations': { status: 200, body: { skus: [] } },
      [`GET /api/shop/carts/${cartId}`]: { status: 200, body: { items: [] } },
      [`POST /api/shop/carts/${cartId}/items`]: {
        status: 200,
        body: { items: [{ sku: 'TENT-1', quantity: 1 }] },
      },
    });
    // The cart read (sent when the customer is known) answers only after the click's write.
    let releaseRead!: () => void;
    const readHeld = new Promise<void>((resolve) => (releaseRead = resolve));
    const answer = globalThis.fetch as (path: string, init?: { method?: string }) => unknown;
    Object.assign(globalThis, {
      fetch: async (path: string, init?: { method?: string }) => {
        if ((init?.method ?? 'GET') === 'GET' && path.startsWith('/api/shop/carts/'))
          await readHeld;
        return answer(path, init);
      },
    });
    render(<Storefront />);
    await screen.findByText('Tent');

    await act(async () => {
      fireEvent.click(screen.getAllByRole('button', { name: 'Add to cart' })[0]!);
    });
    await act(async () => {
      releaseRead();
      await new Promise((resolve) => setTimeout(resolve, 0));
    });

    expect(screen.getByTestId('cart-line-TENT-1').textContent).toContain('1');
  });

  it('when the console has no customer credentials, then the page says how to give it some and no order can be placed', async () => {
    fakeFetch({
      'GET /api/shop/customers': {
        status: 503,
        body: {
          title: 'Service Unavailable',
          detail:
            'The console has no customer credentials: run npm start (it writes .dev/credentials.json) or set CONSOLE_CREDENTIALS_FILE or CONSOLE_CUSTOMER_TOKENS.',
          code: 'CONSOLE.NO_CUSTOMER_CREDENTIALS',
        },
      },
      'GET /api/shop/products': { status: 200, body: PRODUCTS },
      'GET /api/shop/recommendations': { status: 200, body: { skus: [] } },
    });
    render(<Storefront />);

    const problem = await screen.findByTestId('customer-problem');
    await screen.findByText('Tent');
    fireEvent.click(screen.getAllByRole('button', { name: 'Add to cart' })[0]!);

    expect(problem.textContent).toContain('no customer credentials: run npm start');
    expect(problem.textContent).toContain('CONSOLE.NO_CUSTOMER_CREDENTIALS');
    expect(screen.queryByTestId('customer')).toBeNull();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Place order' }).disabled).toBe(
      true,
    );
  });

  it('when recommendations are degraded, then the best-sellers are shown with a label', async () => {
    fakeFetch({
      'GET /api/shop/customers': CUSTOMERS,
      'GET /api/shop/products': { status: 200, body: PRODUCTS },
      'GET /api/shop/recommendations': {
        status: 200,
        body: { skus: ['TENT-1'], source: 'bestsellers' },
        headers: { 'x-degraded': 'recommendations' },
      },
    });
    render(<Storefront />);

    await screen.findByTestId('recommendations-degraded');

    expect(screen.getByTestId('recommendations').textContent).toContain('Best-sellers');
    expect(screen.getByTestId('recommendations').textContent).toContain('Tent');
  });

  it('when the catalogue cannot be read, then the problem is shown instead of a blank page', async () => {
    fakeFetch({
      'GET /api/shop/customers': CUSTOMERS,
      'GET /api/shop/products': {
        status: 503,
        body: { title: 'Service Unavailable', detail: 'The inventory service did not answer.' },
      },
    });
    render(<Storefront />);

    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain('inventory service did not answer'),
    );
  });
});
