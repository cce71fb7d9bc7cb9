import { randomUUID } from 'node:crypto';
import { startCheckoutApp, type CheckoutApp } from '../support/checkout-app';
import { FakePlatform } from '../support/fake-platform';

// RESILIENCE_PIPELINE_ENABLED=false is the baseline of `npm run bench:checkout`. The same
// requests go to checkout with its pipeline on and off: every difference below is the switch.
let fake: FakePlatform;
let on: CheckoutApp;
let off: CheckoutApp;

beforeAll(async () => {
  fake = await FakePlatform.start();
  const env = { RATE_LIMIT_PER_CLIENT_PER_SECOND: '1' };
  on = await startCheckoutApp(fake.url, env);
  off = await startCheckoutApp(fake.url, { ...env, RESILIENCE_PIPELINE_ENABLED: 'false' });
});

afterAll(async () => {
  await on?.stop();
  await off?.stop();
  await fake?.close();
});

beforeEach(() => {
  fake.payment = 'up';
  fake.server.requests.length = 0;
});

function order(customerId = `switch-${randomUUID().slice(0, 8)}`) {
  return {
    customerId,
    items: [{ sku: 'MUG', quantity: 1 }],
    payment: { token: 'tok_visa' },
  };
}

const key = () => ({ 'idempotency-key': randomUUID() });

describe('RESILIENCE_PIPELINE_ENABLED', () => {
  it('when one customer checks out twice within a second at a limit of 1/s, then on refuses the second (429) and off lets it through', async () => {
    const onBody = order();
    const offBody = order();

    const onStatuses = [
      (await on.checkout(onBody, key())).status,
      (await on.checkout(onBody, key())).status,
    ];
    const offStatuses = [
      (await off.checkout(offBody, key())).status,
      (await off.checkout(offBody, key())).status,
    ];

    expect(onStatuses).toEqual([201, 429]);
    expect(offStatuses).toEqual([201, 201]);
  });

  it('when the payment provider answers 503, then on retries the charge once and off sends it once', async () => {
    fake.payment = 'down';

    const onRes = await on.checkout(order(), key());
    const onCharges = fake.server.received('POST', '/v1/payments').length;
    fake.server.requests.length = 0;
    const offRes = await off.checkout(order(), key());
    const offCharges = fake.server.received('POST', '/v1/payments').length;

    expect([onRes.status, offRes.status]).toEqual([503, 503]);
    expect(onCharges).toBe(2);
    expect(offCharges).toBe(1);
  });

  it("when payment hangs past the caller's 1200 ms budget, then on answers 503 within it and off waits for payment and confirms", async () => {
    fake.payment = 'hang'; // answers after 5 s
    const budget = { 'x-request-timeout-ms': '1200' };

    let started = Date.now();
    const onRes = await on.checkout(order(), { ...key(), ...budget });
    const onMs = Date.now() - started;
    started = Date.now();
    const offRes = await off.checkout(order(), { ...key(), ...budget });
    const offMs = Date.now() - started;

    expect(onRes.status).toBe(503);
    expect(onMs).toBeLessThan(1_500);
    expect(offRes.status).toBe(201);
    expect(offMs).toBeGreaterThanOrEqual(4_900);
    // the charge carried the pass-through attempt's budget, not what was left of the caller's
    const [charge] = fake.server.received('POST', '/v1/payments').slice(-1);
    expect(Number(charge?.headers['x-request-timeout-ms'])).toBeGreaterThan(20_000);
  });
});
