import { parseEvent } from '@rc/contracts';
import {
  customerTokenKeys,
  CustomerTokenVerifier,
  DEFAULT_CUSTOMER_TOKEN_AUDIENCE,
  DEFAULT_CUSTOMER_TOKEN_ISSUER,
  ServiceTokenVerifier,
  trustedServiceKeys,
} from '@rc/platform';
import { RecoveryWorker } from '../../src/infrastructure/recovery.worker';
import { checkoutOrderId } from '../../src/domain/order-id';
import { startCheckoutApp, type CheckoutApp } from '../support/checkout-app';
import { FakePlatform } from '../support/fake-platform';

let fake: FakePlatform;
let app: CheckoutApp;
let seq = 0;

beforeAll(async () => {
  fake = await FakePlatform.start();
  // Every test sets its dependencies' state, so recommendations are asked on every order here
  // (no answer kept from an earlier test); the cache has its own tests at the end.
  app = await startCheckoutApp(fake.url, { RECOMMENDATIONS_TTL_MS: '0' });
});

afterAll(async () => {
  await app?.stop();
  await fake?.close();
});

beforeEach(() => {
  fake.payment = 'up';
  fake.cart = 'up';
  fake.recommendations = 'up';
  fake.server.requests.length = 0;
});

/** A fresh customer and key per test: tests never share orders. */
function request(overrides: Record<string, unknown> = {}) {
  const n = ++seq;
  return {
    key: `key-${n}-${Date.now()}`,
    body: {
      customerId: `cust-${n}`,
      items: [
        { sku: 'MUG', quantity: 1 },
        { sku: 'TEA', quantity: 2 },
      ],
      payment: { token: 'tok_visa' },
      ...overrides,
    },
  };
}

async function outboxTypes(orderId: string): Promise<string[]> {
  const { rows } = await app.db.pool.query<{ type: string; payload: unknown }>(
    'SELECT type, payload FROM outbox WHERE key = $1 ORDER BY id',
    [orderId],
  );
  for (const row of rows) expect(parseEvent(row.payload).ok).toBe(true);
  return rows.map((r) => r.type);
}

describe('POST /v1/checkout over HTTP (real service, fake dependencies speaking the contracts)', () => {
  it('when everything is up, then 201 with the confirmed order, its location and recommendations', async () => {
    const { key, body } = request({ items: undefined, cartId: 'cart-a' });
    fake.carts.set('cart-a', [{ sku: 'MUG', quantity: 2 }]);

    const res = await app.checkout(body, { 'idempotency-key': key });

    expect(res.status).toBe(201);
    const orderId = checkoutOrderId(body.customerId, key);
    expect(await res.json()).toEqual({
      orderId,
      status: 'CONFIRMED',
      total: 2_400,
      currency: 'EUR',
      items: [{ sku: 'MUG', quantity: 2, unitPrice: 1_200 }],
      recommendations: ['REC-1', 'REC-2'],
    });
    expect(res.headers.get('location')).toBe(`/v1/orders/${orderId}`);
    expect(res.headers.get('x-degraded')).toBeNull();
    const [charge] = fake.server.received('POST', '/v1/payments');
    expect(charge?.headers['idempotency-key']).toBe(`order:${orderId}:charge`);
    expect(charge?.headers['x-request-timeout-ms']).toBeDefined();
    expect(await outboxTypes(orderId)).toEqual(['OrderPlaced']);
  });

  it('when checkout calls inventory and payment, then each call carries a service token for that service only', async () => {
    const { key, body } = request({ items: undefined, cartId: 'cart-token' });
    fake.carts.set('cart-token', [{ sku: 'MUG', quantity: 1 }]);

    expect((await app.checkout(body, { 'idempotency-key': key })).status).toBe(201);

    const trusted = trustedServiceKeys(`checkout=${app.serviceKey.publicKey}`);
    const verifier = (audience: string) => new ServiceTokenVerifier({ audience, trusted });
    const bearer = (headers: Record<string, unknown> | undefined) => {
      const value = headers?.authorization;
      return typeof value === 'string' ? value.replace(/^Bearer /, '') : '';
    };
    const [reserve] = fake.server.received('POST', '/v1/reservations');
    const [charge] = fake.server.received('POST', '/v1/payments');
    await expect(verifier('inventory').verify(bearer(reserve?.headers))).resolves.toBe('checkout');
    await expect(verifier('payment').verify(bearer(charge?.headers))).resolves.toBe('checkout');
    // A token for payment is refused by inventory: a leaked token opens one service only.
    await expect(verifier('inventory').verify(bearer(charge?.headers))).rejects.toMatchObject({
      reason: 'wrong_audience',
    });
    // Cart gets the customer's own token (it keeps each customer's carts apart), never
    // checkout's service token.
    const [cart] = fake.server.received('GET', '/v1/carts/cart-token');
    const customerVerifier = new CustomerTokenVerifier({
      issuer: DEFAULT_CUSTOMER_TOKEN_ISSUER,
      audience: DEFAULT_CUSTOMER_TOKEN_AUDIENCE,
      keys: customerTokenKeys(app.identityKey.publicKey),
    });
    await expect(customerVerifier.verify(bearer(cart?.headers))).resolves.toBe(body.customerId);
  });

  it('when the order is read back, then GET /v1/orders/:orderId shows it CONFIRMED with its payment', async () => {
    const { key, body } = request();
    await app.checkout(body, { 'idempotency-key': key });
    const orderId = checkoutOrderId(body.customerId, key);

    const res = await app.getOrder(orderId, body.customerId);

    expect(res.status).toBe(200);
    const order = (await res.json()) as Record<string, unknown>;
    expect(order).toMatchObject({
      orderId,
      customerId: body.customerId,
      status: 'CONFIRMED',
      total: 2_100,
      failureCode: null,
    });
    expect(typeof order.paymentId).toBe('string');
  });

  it('when the client retries with the same key, then the stored answer is replayed and nothing is charged again', async () => {
    const { key, body } = request();
    const first = await app.checkout(body, { 'idempotency-key': key });

    const second = await app.checkout(body, { 'idempotency-key': key });

    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(await first.json());
    expect(fake.server.received('POST', '/v1/payments')).toHaveLength(1);
  });

  it('when an order is confirmed, then its Idempotency-Key is completed with the answer by the confirm itself (the same transaction), and a retry replays that answer', async () => {
    const { key, body } = request();
    const first = await app.checkout(body, { 'idempotency-key': key });
    const orderId = checkoutOrderId(body.customerId, key);

    const retry = await app.checkout(body, { 'idempotency-key': key });

    const { rows } = await app.db.pool.query<{ same_transaction: boolean; body: unknown }>(
      `SELECT k.completed_at = o.updated_at AS same_transaction, k.response_body AS body
         FROM idempotency_keys k, orders o WHERE k.key = $1 AND o.id = $2`,
      [key, orderId],
    );
    expect(first.status).toBe(201);
    // now() is the transaction's start: equal only when one transaction wrote both.
    expect(rows).toEqual([{ same_transaction: true, body: await first.clone().json() }]);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(await retry.json()).toEqual(await first.json());
    // What the statement stored was the answer itself (else the interceptor replaces it).
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/resilience_idempotency_outcomes_total\{[^}]*outcome="completed"/);
    expect(metrics).not.toContain('outcome="replaced"');
  });

  it('when recommendations are slow, then the confirm does not wait for them: the key is completed after it, with the degraded answer', async () => {
    fake.recommendations = 'slow';
    const { key, body } = request();
    const first = await app.checkout(body, { 'idempotency-key': key });
    const orderId = checkoutOrderId(body.customerId, key);

    const retry = await app.checkout(body, { 'idempotency-key': key });

    const { rows } = await app.db.pool.query<{ after: boolean }>(
      `SELECT k.completed_at > o.updated_at AS after
         FROM idempotency_keys k, orders o WHERE k.key = $1 AND o.id = $2`,
      [key, orderId],
    );
    expect(first.status).toBe(201);
    expect(first.headers.get('x-degraded')).toBe('recommendations');
    expect(rows).toEqual([{ after: true }]);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual(await first.json());
  });

  it('when the same key comes with another body, then 422 IDEMPOTENCY.KEY_REUSED', async () => {
    const { key, body } = request();
    await app.checkout(body, { 'idempotency-key': key });

    const res = await app.checkout(
      { ...body, items: [{ sku: 'MUG', quantity: 9 }] },
      { 'idempotency-key': key },
    );

    expect(res.status).toBe(422);
    expect(((await res.json()) as { code: string }).code).toBe('IDEMPOTENCY.KEY_REUSED');
  });

  it('when the key is missing, then 400 IDEMPOTENCY.KEY_MISSING as problem+json', async () => {
    const res = await app.checkout(request().body);

    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await res.json()) as { code: string }).code).toBe('IDEMPOTENCY.KEY_MISSING');
  });

  it('when a SKU appears twice in the body, then 400 HTTP.VALIDATION_FAILED and nothing is called', async () => {
    const { key, body } = request({
      items: [
        { sku: 'MUG', quantity: 1 },
        { sku: 'MUG', quantity: 1 },
      ],
    });

    const res = await app.checkout(body, { 'idempotency-key': key });

    expect(res.status).toBe(400);
    expect(fake.server.requests).toHaveLength(0);
  });

  it('when the cart is down and recommendations are slow, then the checkout still succeeds and says x-degraded: cart,recommendations', async () => {
    fake.cart = 'down';
    fake.recommendations = 'slow';
    const { key, body } = request({ cartId: 'cart-b' });
    const started = Date.now();

    const res = await app.checkout(body, { 'idempotency-key': key });

    expect(res.status).toBe(201);
    expect(res.headers.get('x-degraded')).toBe('cart,recommendations');
    expect(((await res.json()) as { recommendations: string[] }).recommendations).toEqual([
      'BEST-1',
      'BEST-2',
    ]);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('when the card is declined, then 402 CHECKOUT.PAYMENT_DECLINED, the stock is released, and a retry replays the 402', async () => {
    const { key, body } = request({ payment: { token: 'tok_declined' } });
    const orderId = checkoutOrderId(body.customerId, key);

    const res = await app.checkout(body, { 'idempotency-key': key });
    const retry = await app.checkout(body, { 'idempotency-key': key });

    expect(res.status).toBe(402);
    const problem = (await res.json()) as Record<string, unknown>;
    expect(problem).toMatchObject({
      code: 'CHECKOUT.PAYMENT_DECLINED',
      orderId,
      declineCode: 'card_declined',
    });
    expect(fake.reservations.get(orderId)).toBe('RELEASED');
    expect(await outboxTypes(orderId)).toEqual(['OrderFailed']);
    expect(retry.status).toBe(402);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });

  it('when stock is short, then 409 CHECKOUT.OUT_OF_STOCK names the SKU and nothing is charged', async () => {
    const { key, body } = request({ items: [{ sku: 'TEA', quantity: 5_000 }] });

    const res = await app.checkout(body, { 'idempotency-key': key });

    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'CHECKOUT.OUT_OF_STOCK', skus: ['TEA'] });
    expect(fake.server.received('POST', '/v1/payments')).toHaveLength(0);
  });

  it('when the payment provider is down, then 503 CHECKOUT.PAYMENT_UNAVAILABLE, the order FAILED and its stock released', async () => {
    fake.payment = 'down';
    const { key, body } = request();
    const orderId = checkoutOrderId(body.customerId, key);

    const res = await app.checkout(body, { 'idempotency-key': key });

    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { code: string }).code).toBe('CHECKOUT.PAYMENT_UNAVAILABLE');
    expect(fake.reservations.get(orderId)).toBe('RELEASED');
    const order = await app.getOrder(orderId, body.customerId).then((r) => r.json());
    expect(order).toMatchObject({ status: 'FAILED', failureCode: 'CHECKOUT.PAYMENT_UNAVAILABLE' });
  });

  it("when payment hangs, then the answer comes within the caller's budget, the stock is already released and the order waits COMPENSATING for the worker", async () => {
    fake.payment = 'hang';
    const { key, body } = request();
    const orderId = checkoutOrderId(body.customerId, key);
    const started = Date.now();

    const res = await app.checkout(body, {
      'idempotency-key': key,
      'x-request-timeout-ms': '1200',
    });

    const elapsed = Date.now() - started;
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe('CHECKOUT.PAYMENT_UNAVAILABLE');
    expect(elapsed).toBeLessThan(1_500);
    expect(fake.reservations.get(orderId)).toBe('RELEASED');
    // No payment visible yet, but a capture could still land: the worker decides later.
    const order = await app.getOrder(orderId, body.customerId).then((r) => r.json());
    expect(order).toMatchObject({ status: 'COMPENSATING' });
  });
});

describe('recovery worker over the real adapters', () => {
  it('when a crashed checkout left a RESERVED order with a captured payment, then a pass refunds it, releases the stock and fails the order', async () => {
    // Arrange: what a crash right after the capture leaves behind
    const orderId = checkoutOrderId('crash-customer', `key-${Date.now()}`);
    await app.db.pool.query(
      `INSERT INTO orders (id, customer_id, status, total_minor, currency, updated_at)
       VALUES ($1, 'crash-customer', 'RESERVED', 1200, 'EUR', now() - interval '10 minutes')`,
      [orderId],
    );
    await app.db.pool.query(
      `INSERT INTO order_items (order_id, sku, quantity, unit_price_minor) VALUES ($1, 'MUG', 1, 1200)`,
      [orderId],
    );
    fake.reservations.set(orderId, 'RESERVED');
    fake.payments.push({
      paymentId: 'pay-crash',
      orderId,
      amount: 1_200,
      currency: 'EUR',
      status: 'CAPTURED',
    });

    // Act
    await app.service.app.get(RecoveryWorker).runOnce();

    // Assert
    expect(fake.capturedFor(orderId)).toBe(0);
    expect(fake.reservations.get(orderId)).toBe('RELEASED');
    const order = await app.getOrder(orderId, 'crash-customer').then((r) => r.json());
    expect(order).toMatchObject({ status: 'FAILED', failureCode: 'CHECKOUT.INTERRUPTED' });
    expect(await outboxTypes(orderId)).toEqual(['OrderFailed']);
  });
});

describe('recommendations kept by checkout (RECOMMENDATIONS_TTL_MS, 5 s by default)', () => {
  let cached: CheckoutApp;

  beforeAll(async () => {
    cached = await startCheckoutApp(fake.url);
  });

  afterAll(async () => {
    await cached?.stop();
  });

  const place = async (items: { sku: string; quantity: number }[]) => {
    const { key, body } = request({ items });
    const res = await cached.checkout(body, { 'idempotency-key': key });
    return {
      status: res.status,
      degraded: res.headers.get('x-degraded'),
      recommendations: ((await res.json()) as { recommendations: string[] }).recommendations,
    };
  };

  it('when two orders of the same SKUs follow, then recommendations is asked once and both carry its answer', async () => {
    const first = await place([{ sku: 'MUG', quantity: 1 }]);
    const second = await place([{ sku: 'MUG', quantity: 3 }]);

    expect(first).toEqual({ status: 201, degraded: null, recommendations: ['REC-1', 'REC-2'] });
    expect(second).toEqual(first);
    expect(fake.server.received('GET', '/v1/recommendations')).toHaveLength(1);
  });

  it('when recommendations is slow, then the fallback is not kept: the next order of those SKUs asks again', async () => {
    fake.recommendations = 'slow';
    const degraded = await place([{ sku: 'TEA', quantity: 1 }]);
    fake.recommendations = 'up';

    const next = await place([{ sku: 'TEA', quantity: 1 }]);

    expect(degraded).toMatchObject({ status: 201, degraded: 'recommendations' });
    expect(next).toEqual({ status: 201, degraded: null, recommendations: ['REC-1', 'REC-2'] });
    expect(fake.server.received('GET', '/v1/recommendations')).toHaveLength(2);
  });
});
