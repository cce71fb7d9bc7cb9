import { call, checkoutBody, eventually, fresh } from './support/http';
import { E2EPlatform, START_TIMEOUT_MS } from './support/platform';

// Graceful degradation by tier: lower tiers die or slow down, checkout keeps answering.
describe('degradation: checkout survives its dependencies failing', () => {
  const e2e = new E2EPlatform(3120);

  beforeAll(() => e2e.start(), START_TIMEOUT_MS);
  afterAll(() => e2e.stop(), 60_000);

  const checkout = (body: unknown) =>
    call('POST', e2e.url('checkout', '/v1/checkout'), {
      body,
      headers: { 'idempotency-key': fresh('k').key },
    });

  it('(d) when the recommendations process is killed, then every checkout still succeeds and says it was degraded', async () => {
    const product = await e2e.productWithStock(20);
    await e2e.platform.service('recommendations').kill();
    try {
      const results = [];
      for (let i = 0; i < 8; i++) {
        results.push(
          await checkout(
            checkoutBody(fresh('reco-down').customerId, [{ sku: product.sku, quantity: 1 }]),
          ),
        );
      }

      expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
      for (const r of results) {
        expect(r.headers.get('x-degraded')).toContain('recommendations');
        expect(Array.isArray(r.body.recommendations)).toBe(true);
      }
    } finally {
      await e2e.platform.service('recommendations').start();
    }
  });

  it('(e) when the cart process is killed, then a checkout with the items in the body succeeds', async () => {
    const product = await e2e.productWithStock(5);
    await e2e.platform.service('cart').kill();
    try {
      const { customerId } = fresh('cart-down');

      const res = await checkout(
        checkoutBody(
          customerId,
          [{ sku: product.sku, quantity: 1 }],
          'tok_visa',
          'cart-that-cannot-be-read',
        ),
      );

      expect(res.status).toBe(201);
      expect(res.body.status).toBe('CONFIRMED');
      expect(res.headers.get('x-degraded')).toContain('cart');
    } finally {
      await e2e.platform.service('cart').start();
    }
  });

  it('(h) when payment is slowed past its timeout, then the breaker opens and checkouts fail fast with problem+json inside the deadline; when payment recovers, so does checkout', async () => {
    const product = await e2e.productWithStock(40);
    // Every call from checkout to payment now hangs for 10 s (far past the attempt timeout).
    await e2e.setFaults('checkout', [
      {
        id: 'slow-payment',
        target: 'dependency',
        name: 'payment',
        probability: 1,
        enabled: true,
        fault: { kind: 'latency', ms: 10_000 },
      },
    ]);
    let recovered = false;
    try {
      const order = () =>
        checkout(checkoutBody(fresh('slow-pay').customerId, [{ sku: product.sku, quantity: 1 }]));
      const breakerOpen = async () =>
        /resilience_circuit_breaker_state\{[^}]*dependency="payment"[^}]*\} 2/.test(
          await (await fetch(e2e.url('checkout', '/metrics'))).text(),
        );
      // A burst of concurrent checkouts meets the slow payment ...
      const burst = await Promise.all(Array.from({ length: 12 }, order));
      // ... and opens the breaker. How many calls that takes depends on timing: an attempt cut
      // by its checkout's deadline before the slow-call duration (1.5 s) says nothing to the
      // breaker, so on a loaded machine a few more slow checkouts may be needed (at most 8).
      const opening = [];
      while (!(await breakerOpen()) && opening.length < 8) opening.push(await order());
      // Once it is open, the next checkouts do not wait at all.
      const after = [];
      for (let i = 0; i < 5; i++) after.push(await order());

      // Every answer is a problem+json 503 within the checkout deadline (3 s by default).
      for (const r of [...burst, ...opening, ...after]) {
        expect(r.status).toBe(503);
        expect(r.headers.get('content-type')).toMatch(/problem\+json/);
        expect(r.body.code).toBe('CHECKOUT.PAYMENT_UNAVAILABLE');
        expect(r.ms).toBeLessThan(3_500);
      }
      expect(Math.min(...burst.map((r) => r.ms))).toBeGreaterThan(1_000);
      expect(Math.max(...after.map((r) => r.ms))).toBeLessThan(500);
      expect(await breakerOpen()).toBe(true);

      await e2e.clearFaults('checkout');
      const ok = await eventually(
        'checkout recovering after payment recovered',
        async () => {
          const r = await checkout(
            checkoutBody(fresh('recovered').customerId, [{ sku: product.sku, quantity: 1 }]),
          );
          return r.status === 201 ? r : undefined;
        },
        60_000,
        1_000,
      );
      recovered = true;
      expect(ok.body.status).toBe('CONFIRMED');
    } finally {
      if (!recovered) await e2e.clearFaults('checkout').catch(() => undefined);
    }
  });
});
