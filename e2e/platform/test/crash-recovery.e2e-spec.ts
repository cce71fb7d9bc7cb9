import { call, checkoutBody, eventually, fresh } from './support/http';
import { E2EPlatform, START_TIMEOUT_MS } from './support/platform';

interface OrderRow extends Record<string, unknown> {
  id: string;
  status: string;
}

// A checkout process killed in the middle of sagas: after a restart every saga is finished or
// compensated — no double charge, no leaked reservation.
describe('crash recovery', () => {
  const e2e = new E2EPlatform(3140, {
    checkout: {
      CHECKOUT_DEFAULT_DEADLINE_MS: '3000',
      CHECKOUT_MAX_DEADLINE_MS: '3000',
      RECOVERY_STALE_AFTER_MS: '4000',
      RECOVERY_INTERVAL_MS: '500',
    },
  });

  beforeAll(() => e2e.start(), START_TIMEOUT_MS);
  afterAll(() => e2e.stop(), 60_000);

  it('(j) when checkout is killed mid-saga and restarted, then every order ends CONFIRMED or FAILED with money and stock consistent', async () => {
    const product = await e2e.productWithStock(10);
    const prefix = fresh('crash').customerId;
    // Payment answers only after 1.5 s, so the sagas are in flight (reserved, charge pending)
    // when checkout dies; the charges still land afterwards, with nobody waiting for them.
    await e2e.setFaults('payment', [
      {
        id: 'slow',
        target: 'route',
        name: 'POST /v1/payments',
        probability: 1,
        enabled: true,
        fault: { kind: 'latency', ms: 1500 },
      },
    ]);
    const inFlight = Array.from({ length: 6 }, (_, i) =>
      call('POST', e2e.url('checkout', '/v1/checkout'), {
        body: checkoutBody(`${prefix}-${i}`, [{ sku: product.sku, quantity: 1 }]),
        headers: { 'idempotency-key': fresh('k').key },
      }).catch((e: unknown) => e),
    );
    await new Promise((r) => setTimeout(r, 700));

    await e2e.platform.service('checkout').kill();
    await Promise.all(inFlight);
    await e2e.clearFaults('payment');
    await e2e.platform.service('checkout').start();

    const orders = await eventually(
      'every saga finished or compensated',
      async () => {
        const rows = await e2e.sql<OrderRow>(
          'checkout',
          'SELECT id, status FROM orders WHERE customer_id LIKE $1',
          [`${prefix}-%`],
        );
        return rows.length > 0 &&
          rows.every((o) => o.status === 'CONFIRMED' || o.status === 'FAILED')
          ? rows
          : undefined;
      },
      60_000,
      500,
    );
    expect(orders.length).toBeGreaterThan(0);
    for (const order of orders) {
      const payments = (
        await call('GET', e2e.url('payment', `/v1/payments?orderId=${order.id}`), {
          headers: await e2e.asCheckout('payment'),
        })
      ).body.items as { status: string }[];
      const captured = payments.filter((p) => p.status === 'CAPTURED').length;
      if (order.status === 'CONFIRMED') {
        expect(captured).toBe(1);
        await eventually(`reservation of ${order.id} committed`, async () => {
          const r = await call('GET', e2e.url('inventory', `/v1/reservations/${order.id}`), {
            headers: await e2e.asCheckout('inventory'),
          });
          return r.body?.status === 'COMMITTED' ? true : undefined;
        });
      } else {
        expect(captured).toBe(0);
        const r = await call('GET', e2e.url('inventory', `/v1/reservations/${order.id}`), {
          headers: await e2e.asCheckout('inventory'),
        });
        expect(
          r.status === 404 || r.body.status === 'RELEASED' || r.body.status === 'EXPIRED',
        ).toBe(true);
      }
    }
    // No reservation leaked: none of these orders still holds stock.
    const held = await e2e.sql<{ n: number }>(
      'inventory',
      "SELECT count(*)::int AS n FROM reservations WHERE order_id = ANY($1::uuid[]) AND status = 'RESERVED'",
      [orders.map((o) => o.id)],
    );
    expect(held[0]!.n).toBe(0);
  });
});
