import { call, checkoutBody, eventually, fresh } from './support/http';
import { readTopic } from './support/kafka-events';
import { E2EPlatform, START_TIMEOUT_MS } from './support/platform';

// The core path on the real platform: six service processes, Postgres, Redis and Kafka.
describe('checkout: the core business path', () => {
  const e2e = new E2EPlatform(3110);

  beforeAll(() => e2e.start(), START_TIMEOUT_MS);
  afterAll(() => e2e.stop(), 60_000);

  const checkout = (key: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
    call('POST', e2e.url('checkout', '/v1/checkout'), {
      body,
      headers: { ...(key ? { 'idempotency-key': key } : {}), ...headers },
    });

  it('(a) when a cart is checked out, then the order is confirmed, stock decremented, one payment captured, OrderPlaced published, and analytics and recommendations updated', async () => {
    // Arrange: a cart with two products
    const { customerId, key } = fresh('happy');
    const first = await e2e.productWithStock(5);
    const second = await e2e.productWithStock(5, [first.sku]);
    const cartId = `cart-${key.slice(0, 8)}`;
    for (const [sku, quantity] of [
      [first.sku, 2],
      [second.sku, 1],
    ] as const) {
      const added = await call('POST', e2e.url('cart', `/v1/carts/${cartId}/items`), {
        body: { sku, quantity },
        headers: { 'idempotency-key': `${cartId}-${sku}` },
        // The cart is the customer's own: checkout reads it with their token.
        as: customerId,
      });
      expect(added.status).toBeLessThan(300);
    }
    const availableBefore = await e2e.available(first.sku);
    const summaryBefore = (await call('GET', e2e.url('analytics', '/v1/analytics/summary'))).body;

    // Act
    const res = await checkout(key, { customerId, cartId, payment: { token: 'tok_visa' } });

    // Assert: the response
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'CONFIRMED', total: first.price * 2 + second.price });
    expect(res.body.items).toHaveLength(2);
    expect(Array.isArray(res.body.recommendations)).toBe(true);
    const orderId = res.body.orderId as string;
    // stock: reserved at once, committed when inventory consumes OrderPlaced
    expect(await e2e.available(first.sku)).toBe(availableBefore - 2);
    // (inventory's consumer may first have to rejoin its group and work through older events)
    await eventually(
      'reservation committed',
      async () => {
        const r = await call('GET', e2e.url('inventory', `/v1/reservations/${orderId}`), {
          headers: await e2e.asCheckout('inventory'),
        });
        return r.body?.status === 'COMMITTED' ? r : undefined;
      },
      90_000,
    );
    // exactly one captured payment
    const payments = await call('GET', e2e.url('payment', `/v1/payments?orderId=${orderId}`), {
      headers: await e2e.asCheckout('payment'),
    });
    expect(
      payments.body.items.filter((p: { status: string }) => p.status === 'CAPTURED'),
    ).toHaveLength(1);
    // OrderPlaced in Kafka
    const placed = await eventually('OrderPlaced in Kafka', async () => {
      const found = (await readTopic('orders')).filter(
        (m) => m.key === orderId && m.value.type === 'OrderPlaced',
      );
      return found.length > 0 ? found : undefined;
    });
    expect(placed[0]!.value.data).toMatchObject({ orderId, customerId });
    // analytics counted it, recommendations learned the pair
    await eventually('analytics updated', async () => {
      const s = (await call('GET', e2e.url('analytics', '/v1/analytics/summary'))).body;
      return s.ordersPlaced >= summaryBefore.ordersPlaced + 1 ? s : undefined;
    });
    await eventually(
      'co-purchase learned',
      async () => {
        const r = await call(
          'GET',
          e2e.url('recommendations', `/v1/recommendations?skus=${first.sku}&limit=10`),
        );
        return r.body?.source === 'model' && r.body.skus.includes(second.sku) ? r : undefined;
        // Up to 90 s: recommendations' consumer may first wait out a rebalance of its group (a
        // member of the previous suite's run holds it until its 30 s session times out).
      },
      90_000,
    );
  });

  it('(b) when one Idempotency-Key is sent 20 times concurrently, then one order and one charge; every answer is the original or a 409', async () => {
    const { customerId, key } = fresh('idem');
    const product = await e2e.productWithStock(3);
    const body = checkoutBody(customerId, [{ sku: product.sku, quantity: 1 }]);

    const responses = await Promise.all(Array.from({ length: 20 }, () => checkout(key, body)));

    const created = responses.filter((r) => r.status === 201);
    const conflicts = responses.filter((r) => r.status === 409);
    expect(created.length + conflicts.length).toBe(20);
    expect(created.length).toBeGreaterThanOrEqual(1);
    const orderId = created[0]!.body.orderId as string;
    expect(new Set(created.map((r) => r.body.orderId))).toEqual(new Set([orderId]));
    for (const c of conflicts) expect(c.headers.get('content-type')).toMatch(/problem\+json/);
    const replay = await checkout(key, body);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(created[0]!.body);
    const orders = await e2e.sql('checkout', 'SELECT id FROM orders WHERE customer_id = $1', [
      customerId,
    ]);
    expect(orders).toHaveLength(1);
    const payments = await call('GET', e2e.url('payment', `/v1/payments?orderId=${orderId}`), {
      headers: await e2e.asCheckout('payment'),
    });
    expect(payments.body.items).toHaveLength(1);

    const mismatch = await checkout(key, { ...body, items: [{ sku: product.sku, quantity: 2 }] });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.code).toBe('IDEMPOTENCY.KEY_REUSED');
    const missing = await checkout(undefined, body);
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('IDEMPOTENCY.KEY_MISSING');
  });

  it('(c) when the payment is declined, then 402 problem+json, the order failed, the reservation released and nothing captured', async () => {
    const { customerId, key } = fresh('declined');
    const product = await e2e.productWithStock(3);
    const before = await e2e.available(product.sku);

    const res = await checkout(
      key,
      checkoutBody(customerId, [{ sku: product.sku, quantity: 2 }], 'tok_declined'),
    );

    expect(res.status).toBe(402);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('CHECKOUT.PAYMENT_DECLINED');
    const [order] = await e2e.sql<{ id: string; status: string }>(
      'checkout',
      'SELECT id, status FROM orders WHERE customer_id = $1',
      [customerId],
    );
    expect(order?.status).toBe('FAILED');
    const reservation = await call('GET', e2e.url('inventory', `/v1/reservations/${order!.id}`), {
      headers: await e2e.asCheckout('inventory'),
    });
    expect(reservation.body.status).toBe('RELEASED');
    expect(await e2e.available(product.sku)).toBe(before);
    const payments = await call('GET', e2e.url('payment', `/v1/payments?orderId=${order!.id}`), {
      headers: await e2e.asCheckout('payment'),
    });
    expect(payments.body.items.some((p: { status: string }) => p.status === 'CAPTURED')).toBe(
      false,
    );
  });

  describe('(i) bad input gets 4xx problem+json with a stable code and writes nothing', () => {
    const cases: [
      string,
      () => Promise<{ status: number; body: { code: string } }>,
      number,
      string,
    ][] = [];
    const customerId = fresh('bad').customerId;
    const url = () => e2e.url('checkout', '/v1/checkout');
    const key = () => fresh('k').key;
    cases.push([
      'malformed JSON',
      () =>
        call('POST', url(), { rawBody: '{"customerId": ', headers: { 'idempotency-key': key() } }),
      400,
      'HTTP.MALFORMED_BODY',
    ]);
    cases.push([
      'wrong types',
      () =>
        call('POST', url(), {
          body: { customerId: 42, items: 'many', payment: {} },
          headers: { 'idempotency-key': key() },
        }),
      400,
      'HTTP.VALIDATION_FAILED',
    ]);
    cases.push([
      'a huge body',
      () =>
        call('POST', url(), {
          body: checkoutBody(customerId, [{ sku: 'X'.repeat(300_000), quantity: 1 }]),
          headers: { 'idempotency-key': key() },
        }),
      413,
      'HTTP.PAYLOAD_TOO_LARGE',
    ]);
    cases.push([
      'an unknown SKU',
      () =>
        call('POST', url(), {
          body: checkoutBody(customerId, [{ sku: 'NO-SUCH-SKU', quantity: 1 }]),
          headers: { 'idempotency-key': key() },
        }),
      422,
      'CHECKOUT.UNKNOWN_SKU',
    ]);
    cases.push([
      'a zero quantity',
      () =>
        call('POST', url(), {
          body: checkoutBody(customerId, [{ sku: 'ANY', quantity: 0 }]),
          headers: { 'idempotency-key': key() },
        }),
      400,
      'HTTP.VALIDATION_FAILED',
    ]);
    cases.push([
      'a negative quantity',
      () =>
        call('POST', url(), {
          body: checkoutBody(customerId, [{ sku: 'ANY', quantity: -3 }]),
          headers: { 'idempotency-key': key() },
        }),
      400,
      'HTTP.VALIDATION_FAILED',
    ]);
    cases.push([
      'an over-long Idempotency-Key',
      () =>
        call('POST', url(), {
          body: checkoutBody(customerId, [{ sku: 'ANY', quantity: 1 }]),
          headers: { 'idempotency-key': 'k'.repeat(300) },
        }),
      400,
      'IDEMPOTENCY.KEY_INVALID',
    ]);
    cases.push([
      'an invalid deadline header',
      () =>
        call('POST', url(), {
          body: checkoutBody(customerId, [{ sku: 'ANY', quantity: 1 }]),
          headers: { 'idempotency-key': key(), 'x-request-timeout-ms': 'soon' },
        }),
      400,
      'RESILIENCE.INVALID_DEADLINE_HEADER',
    ]);

    it.each(cases)(
      'when the request has %s, then it is refused',
      async (_name, send, status, code) => {
        const res = await send();

        expect(res.status).toBe(status);
        expect(res.body.code).toBe(code);
      },
    );

    it('when all of them were refused, then no order was written for the customer', async () => {
      for (const [, send] of cases) await send();

      const orders = await e2e.sql('checkout', 'SELECT 1 FROM orders WHERE customer_id = $1', [
        customerId,
      ]);
      expect(orders).toHaveLength(0);
    });
  });
});
