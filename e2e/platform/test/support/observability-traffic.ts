import { call, checkoutBody, eventually, fresh } from './http';
import type { E2EPlatform } from './platform';

/** Ids the traffic put into URLs and bodies: none of them may turn up as a metric label value. */
export interface TrafficIds {
  ids: string[];
}

/**
 * Representative traffic for the golden-signal and dashboard metrics of all six services: cart
 * writes (with a replayed idempotency key), reads by id on every service, confirmed and declined
 * checkouts, recommendations reads, and a fault injected through checkout's admin API (tier-3
 * recommendations failing → fallback, breaker opening; payment answering 503 → retries, a
 * degraded 503 checkout). Waits until the events reached the consumers.
 */
export async function driveRepresentativeTraffic(e2e: E2EPlatform): Promise<TrafficIds> {
  const ids: string[] = [];
  const first = await e2e.productWithStock(40);
  const second = await e2e.productWithStock(5, [first.sku]);
  const unitsSold = async (): Promise<number> =>
    (await call('GET', e2e.url('analytics', `/v1/analytics/products/${first.sku}`))).body.units;
  const unitsBefore = await unitsSold();
  const checkout = async (body: Record<string, unknown>, key = fresh('k').key) => {
    ids.push(key, String(body.customerId));
    return call('POST', e2e.url('checkout', '/v1/checkout'), {
      body,
      headers: { 'idempotency-key': key },
    });
  };
  const expectStatus = (what: string, status: number, expected: number) => {
    if (status !== expected) throw new Error(`${what}: expected ${expected}, got ${status}`);
  };

  // Cart: two lines, one write replayed, read, one line removed.
  const { customerId, key } = fresh('obs-cart');
  const cartId = `obs-cart-${key.slice(0, 8)}`;
  ids.push(cartId);
  for (const sku of [first.sku, second.sku, first.sku]) {
    const res = await call('POST', e2e.url('cart', `/v1/carts/${cartId}/items`), {
      body: { sku, quantity: 1 },
      headers: { 'idempotency-key': `${cartId}-${sku}` },
      as: customerId,
    });
    expectStatus('cart add', res.status, 200);
  }
  expectStatus(
    'cart read',
    (await call('GET', e2e.url('cart', `/v1/carts/${cartId}`), { as: customerId })).status,
    200,
  );

  // Checkouts: from the cart, from the body (twice with one key: a replay), and a declined one.
  const fromCart = await checkout({ customerId, cartId, payment: { token: 'tok_visa' } }, key);
  expectStatus('checkout from cart', fromCart.status, 201);
  const bodyKey = fresh('k').key;
  const body = checkoutBody(fresh('obs-body').customerId, [{ sku: first.sku, quantity: 1 }]);
  const placed = await checkout(body, bodyKey);
  expectStatus('checkout from body', placed.status, 201);
  expectStatus('checkout replayed', (await checkout(body, bodyKey)).status, 201);
  const declined = await checkout(
    checkoutBody(
      fresh('obs-declined').customerId,
      [{ sku: first.sku, quantity: 1 }],
      'tok_declined',
    ),
  );
  expectStatus('declined checkout', declined.status, 402);
  const removed = await call('DELETE', e2e.url('cart', `/v1/carts/${cartId}/items/${second.sku}`), {
    headers: { 'idempotency-key': `${cartId}-remove` },
    as: customerId,
  });
  expectStatus('cart remove', removed.status, 200);

  // Reads by id on every service (their routes must be counted by template, not by id).
  const orderId = placed.body.orderId as string;
  ids.push(orderId, fromCart.body.orderId as string);
  const payments = await call('GET', e2e.url('payment', `/v1/payments?orderId=${orderId}`), {
    headers: await e2e.asCheckout('payment'),
  });
  const paymentId = payments.body.items[0].paymentId as string;
  ids.push(paymentId);
  for (const url of [
    e2e.url('checkout', `/v1/orders/${orderId}`),
    e2e.url('payment', `/v1/payments/${paymentId}`),
    e2e.url('inventory', `/v1/reservations/${orderId}`),
    e2e.url('inventory', `/v1/products/${first.sku}`),
    e2e.url('analytics', `/v1/analytics/products/${first.sku}`),
    e2e.url('analytics', '/v1/analytics/summary'),
  ]) {
    // Payments and reservations admit platform services only: these reads go as checkout.
    const internal = url.includes('/v1/payments') || url.includes('/v1/reservations');
    const audience = url.includes('/v1/payments') ? 'payment' : 'inventory';
    const headers = internal ? await e2e.asCheckout(audience) : {};
    // An order is read by its own customer.
    const as = url.includes('/v1/orders/') ? String(body.customerId) : undefined;
    expectStatus(`GET ${url}`, (await call('GET', url, { headers, as })).status, 200);
  }
  for (let i = 0; i < 3; i++) {
    const reco = await call(
      'GET',
      e2e.url('recommendations', `/v1/recommendations?skus=${first.sku},${second.sku}&limit=4`),
    );
    expectStatus('recommendations', reco.status, 200);
  }
  expectStatus(
    'unknown route',
    (await call('GET', e2e.url('checkout', `/v1/no-such-route/${orderId}`))).status,
    404,
  );

  const confirmedByFaults = await injectFaults(e2e, first.sku, checkout);

  // The events reach their consumers: analytics counts every confirmed unit of the first SKU.
  const confirmedUnits = 2 + confirmedByFaults;
  await eventually('analytics to count the orders', async () =>
    (await unitsSold()) >= unitsBefore + confirmedUnits ? true : undefined,
  );
  return { ids };
}

/**
 * Faults through checkout's admin API: recommendations failing (fallback, breaker trip), then
 * payment answering 503 (retries, giving up, a 503 checkout with the order compensated).
 * Returns the units of `sku` confirmed meanwhile.
 */
async function injectFaults(
  e2e: E2EPlatform,
  sku: string,
  checkout: (body: Record<string, unknown>) => Promise<{ status: number }>,
): Promise<number> {
  const rule = (name: string, status: number) => ({
    id: `obs-${name}`,
    target: 'dependency',
    name,
    probability: 1,
    enabled: true,
    fault: { kind: 'error', status },
  });
  try {
    await e2e.setFaults('checkout', [rule('recommendations', 500)]);
    // Enough calls for recommendations' breaker to evaluate (minimumNumberOfCalls 10) and open
    // (the suite runs checkout with RECOMMENDATIONS_TTL_MS=0: no answer kept from before).
    for (let i = 0; i < 11; i++) {
      const res = await checkout(
        checkoutBody(fresh('obs-reco').customerId, [{ sku, quantity: 1 }]),
      );
      if (res.status !== 201) throw new Error(`degraded checkout: expected 201, got ${res.status}`);
    }
    await e2e.setFaults('checkout', [rule('payment', 503)]);
    const failed = await checkout(
      checkoutBody(fresh('obs-pay').customerId, [{ sku, quantity: 1 }]),
    );
    if (failed.status !== 503) throw new Error(`payment down: expected 503, got ${failed.status}`);
    return 11;
  } finally {
    await e2e.clearFaults('checkout');
  }
}
