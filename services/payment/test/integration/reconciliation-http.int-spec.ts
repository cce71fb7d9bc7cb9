import { waitFor } from '@rc/testing';
import { randomUUID } from 'node:crypto';
import { adminAuth as auth, type PaymentApp, startPaymentApp } from '../support/payment-app';
import { databaseContains, paymentRows, providerFault } from '../support/payment-fixture';

const TIMEOUT_TOKEN = 'tok_timeout_after_charge';

/**
 * The app with its reconciliation worker running fast, driven as checkout drives it: the charge
 * under `order:<id>:charge`, the order's payments read to decide a compensation, the refund
 * under `order:<id>:refund`.
 */
describe('reconciliation in the running app (Postgres + Kafka)', () => {
  let app: PaymentApp;

  beforeAll(async () => {
    app = await startPaymentApp('pay_rec_http', {
      RECONCILIATION_INTERVAL_MS: '200',
      RECONCILIATION_BACKOFF_BASE_MS: '300',
      RECONCILIATION_BACKOFF_MAX_MS: '1000',
    });
  });

  afterAll(async () => {
    await app?.stop();
  });

  const call: PaymentApp['call'] = (...args) => app.call(...args);
  const charge = (orderId: string, token: string) =>
    call(
      'POST',
      '/v1/payments',
      { orderId, amount: 12_500, currency: 'EUR', token },
      { 'idempotency-key': `order:${orderId}:charge`, 'x-client-id': 'checkout' },
    );
  const refund = (orderId: string, paymentId: string) =>
    call('POST', `/v1/payments/${paymentId}/refund`, undefined, {
      'idempotency-key': `order:${orderId}:refund`,
      'x-client-id': 'checkout',
    });
  const paymentsOf = async (orderId: string) =>
    (
      (await (await call('GET', `/v1/payments?orderId=${orderId}`)).json()) as {
        items: { paymentId: string; status: string }[];
      }
    ).items;
  const settled = (orderId: string, status: string) =>
    waitFor(
      async () => (await paymentsOf(orderId)).some((p) => p.status === status),
      10_000,
      `a ${status} payment of ${orderId}`,
      50,
    );
  const eventsOf = (orderId: string) => app.publishedEventTypes(orderId);
  const metric = async (name: string, outcome: string) => {
    const text = await (await call('GET', '/metrics')).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`${name}{`) && l.includes(`outcome="${outcome}"`));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it('when the provider times out after charging and checkout compensates, then the payment is never read as not charged, is reconciled CAPTURED, and the capture is refunded', async () => {
    const orderId = randomUUID();

    const answer = await charge(orderId, TIMEOUT_TOKEN);
    const seenByCheckout = await paymentsOf(orderId);
    await settled(orderId, 'CAPTURED');
    const [captured] = await paymentsOf(orderId);
    const refunded = await refund(orderId, captured!.paymentId);

    expect(answer.status).toBe(504);
    expect(await answer.json()).toMatchObject({ code: 'PAYMENT.OUTCOME_UNKNOWN' });
    // Still unknown, or already reconciled (the worker runs every 200 ms): never "not charged".
    expect(seenByCheckout.map((p) => p.status)).toEqual([
      expect.stringMatching(/^(AUTHORIZED|CAPTURED)$/),
    ]);
    expect(refunded.status).toBe(200);
    expect(await refunded.json()).toMatchObject({ status: 'REFUNDED' });
    expect(await paymentRows(app.db.pool, orderId)).toEqual([
      { status: 'REFUNDED', decline_code: null },
    ]);
    expect(await eventsOf(orderId)).toEqual(['PaymentCaptured', 'PaymentRefunded']);
    expect(await metric('payment_reconciled_total', 'captured')).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('when the provider times out after charging and checkout retries the charge, then the retry gets the one reconciled capture (the order can be CONFIRMED)', async () => {
    const orderId = randomUUID();

    const first = await charge(orderId, TIMEOUT_TOKEN);
    await settled(orderId, 'CAPTURED');
    const retry = await charge(orderId, TIMEOUT_TOKEN);

    expect(first.status).toBe(504);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ orderId, status: 'CAPTURED' });
    expect(await paymentRows(app.db.pool, orderId)).toEqual([
      { status: 'CAPTURED', decline_code: null },
    ]);
    expect(await eventsOf(orderId)).toEqual(['PaymentCaptured']);
  }, 30_000);

  it('when a refund fails at the provider, then it is accepted (202) as pending and the worker refunds it once the provider is back', async () => {
    const orderId = randomUUID();
    const { paymentId } = (await (await charge(orderId, 'tok_visa')).json()) as {
      paymentId: string;
    };
    await app.callAdmin(
      'PUT',
      '/admin/faults',
      { rules: providerFault({ kind: 'error', status: 503 }) },
      auth,
    );

    const accepted = await refund(orderId, paymentId);
    await waitFor(
      async () => (await metric('payment_refund_retries_total', 'failed')) >= 1,
      10_000,
      'a failed retry',
      50,
    );
    const during = await paymentsOf(orderId);
    await app.callAdmin('DELETE', '/admin/faults', undefined, auth);
    await settled(orderId, 'REFUNDED');

    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({ paymentId, status: 'CAPTURED' });
    expect(during.map((p) => p.status)).toEqual(['CAPTURED']);
    expect((await app.db.pool.query('SELECT 1 FROM pending_refunds')).rows).toEqual([]);
    expect(await metric('payment_refund_retries_total', 'refunded')).toBeGreaterThanOrEqual(1);
    expect(await eventsOf(orderId)).toEqual(['PaymentCaptured', 'PaymentRefunded']);
  }, 30_000);

  it('when all of this ran, then no card token appears in the logs or the database', async () => {
    expect(app.logs.some((l) => l.includes('payment reconciled'))).toBe(true);
    expect(app.logs.some((l) => l.includes('pending refund'))).toBe(true);
    expect(app.logs.filter((l) => l.includes(TIMEOUT_TOKEN) || l.includes('tok_visa'))).toEqual([]);
    expect(await databaseContains(app.db.pool, TIMEOUT_TOKEN)).toBe(false);
  });
});
