import type { EventEnvelope } from '@rc/contracts';
import { bootstrapService, type RunningService } from '@rc/platform';
import {
  createThrowawayDatabase,
  deleteTopics,
  readAll,
  sendJson,
  serviceTestEnv,
  type ThrowawayDatabase,
  uniqueName,
  waitFor,
} from '@rc/testing';
import { randomUUID } from 'node:crypto';
import { paymentConfigSchema } from '../../src/config/payment.config';
import { PaymentModule } from '../../src/payment.module';
import { testKafka } from '../support/kafka-fixture';
import { databaseContains, paymentRows, providerFault } from '../support/payment-fixture';

const ADMIN_TOKEN = 'test-admin-token-0123456789';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('payment over HTTP (the real app on a throwaway database)', () => {
  let db: ThrowawayDatabase;
  let service: RunningService<unknown>;
  const logs: string[] = [];
  const topic = uniqueName('it-pay-http-payments');

  beforeAll(async () => {
    db = await createThrowawayDatabase('pay_http');
    service = await bootstrapService({
      module: PaymentModule,
      schema: paymentConfigSchema,
      env: {
        ...serviceTestEnv(),
        DATABASE_URL: db.url,
        LOG_LEVEL: 'debug',
        SERVICE_NAME: uniqueName('payment'),
        PAYMENTS_TOPIC: topic,
        ADMIN_TOKEN,
      },
      logSink: (line) => void logs.push(line),
      handleSignals: false,
    });
  });

  afterAll(async () => {
    await service?.shutdown('test');
    await db?.drop();
    await deleteTopics(testKafka(), [topic, `${topic}.dlq`]);
  });

  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    sendJson(service.url, method, path, body, headers);

  const chargeBody = (orderId: string, token = 'tok_visa') => ({
    orderId,
    amount: 25_980,
    currency: 'EUR',
    token,
  });
  const key = (orderId: string) => ({
    'idempotency-key': `order:${orderId}:charge`,
    'x-client-id': 'checkout',
  });

  it('when a charge is retried with its key, then the first answer is replayed and one payment exists', async () => {
    const orderId = randomUUID();

    const first = await call('POST', '/v1/payments', chargeBody(orderId), key(orderId));
    const replay = await call('POST', '/v1/payments', chargeBody(orderId), key(orderId));

    expect(first.status).toBe(201);
    const payment = (await first.json()) as Record<string, unknown>;
    expect(payment).toMatchObject({ orderId, status: 'CAPTURED', amount: 25_980, currency: 'EUR' });
    expect(payment).not.toHaveProperty('token');
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(payment);
    expect(await paymentRows(db.pool, orderId)).toHaveLength(1);
  });

  it('when the card is declined, then 402 PAYMENT.DECLINED is recorded and replayed for the same key', async () => {
    const orderId = randomUUID();

    const first = await call(
      'POST',
      '/v1/payments',
      chargeBody(orderId, 'tok_declined'),
      key(orderId),
    );
    const replay = await call(
      'POST',
      '/v1/payments',
      chargeBody(orderId, 'tok_declined'),
      key(orderId),
    );

    expect(first.status).toBe(402);
    expect(first.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const problem = await first.json();
    expect(problem).toMatchObject({
      code: 'PAYMENT.DECLINED',
      status: 402,
      declineCode: 'card_declined',
    });
    expect(replay.status).toBe(402);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toMatchObject({
      code: 'PAYMENT.DECLINED',
      declineCode: 'card_declined',
    });
    expect(await paymentRows(db.pool, orderId)).toEqual([
      { status: 'FAILED', decline_code: 'card_declined' },
    ]);
  });

  it('when the provider is down, then 503 PAYMENT.PROVIDER_UNAVAILABLE releases the key and the same key succeeds later', async () => {
    const orderId = randomUUID();
    await call(
      'PUT',
      '/admin/faults',
      { rules: providerFault({ kind: 'error', status: 503 }) },
      auth,
    );

    const down = await call('POST', '/v1/payments', chargeBody(orderId), key(orderId));
    await call('DELETE', '/admin/faults', undefined, auth);
    const later = await call('POST', '/v1/payments', chargeBody(orderId), key(orderId));

    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBeTruthy();
    expect(await down.json()).toMatchObject({ code: 'PAYMENT.PROVIDER_UNAVAILABLE' });
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
    expect(await paymentRows(db.pool, orderId)).toEqual([
      { status: 'FAILED', decline_code: 'provider_unavailable' },
      { status: 'CAPTURED', decline_code: null },
    ]);
  });

  it('when a captured payment is refunded twice and a failed one once, then 200 twice and 409 NOT_REFUNDABLE', async () => {
    const paid = randomUUID();
    const declined = randomUUID();
    const { paymentId } = (await (
      await call('POST', '/v1/payments', chargeBody(paid), key(paid))
    ).json()) as { paymentId: string };
    await call('POST', '/v1/payments', chargeBody(declined, 'tok_declined'), key(declined));
    const [failed] = (
      (await (await call('GET', `/v1/payments?orderId=${declined}`)).json()) as {
        items: { paymentId: string }[];
      }
    ).items;

    const first = await call('POST', `/v1/payments/${paymentId}/refund`, undefined, {
      'idempotency-key': `order:${paid}:refund`,
    });
    const second = await call('POST', `/v1/payments/${paymentId}/refund`, undefined, {
      'idempotency-key': randomUUID(),
    });
    const refused = await call('POST', `/v1/payments/${failed!.paymentId}/refund`, undefined, {
      'idempotency-key': randomUUID(),
    });

    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ paymentId, status: 'REFUNDED' });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ paymentId, status: 'REFUNDED' });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({
      code: 'PAYMENT.NOT_REFUNDABLE',
      paymentStatus: 'FAILED',
    });
  });

  it('when payments are read, then they are listed by order and found by id; bad input is 400 and unknown ids 404', async () => {
    const orderId = randomUUID();
    const created = (await (
      await call('POST', '/v1/payments', chargeBody(orderId), key(orderId))
    ).json()) as { paymentId: string };

    const list = await call('GET', `/v1/payments?orderId=${orderId}`);
    const one = await call('GET', `/v1/payments/${created.paymentId}`);
    const noOrder = await call('GET', '/v1/payments');
    const unknown = await call('GET', `/v1/payments/${randomUUID()}`);
    const noKey = await call('POST', '/v1/payments', chargeBody(randomUUID()));

    expect(await list.json()).toMatchObject({
      items: [{ paymentId: created.paymentId, orderId, status: 'CAPTURED' }],
    });
    expect(await one.json()).toMatchObject({
      paymentId: created.paymentId,
      createdAt: expect.any(String),
    });
    expect(noOrder.status).toBe(400);
    expect(unknown.status).toBe(404);
    expect(noKey.status).toBe(400);
  });

  it('when payments move, then their events reach the payments topic keyed by order', async () => {
    const orderId = randomUUID();
    await call('POST', '/v1/payments', chargeBody(orderId), key(orderId));
    await waitFor(
      async () =>
        (
          await db.pool.query('SELECT 1 FROM outbox WHERE key = $1 AND published_at IS NULL', [
            orderId,
          ])
        ).rows.length === 0,
      20_000,
      'the relay to publish',
    );

    const messages = (await readAll(testKafka(), topic)).filter(
      (m) => m.key?.toString() === orderId,
    );

    expect(messages.map((m) => (JSON.parse(m.value!.toString()) as EventEnvelope).type)).toEqual([
      'PaymentCaptured',
    ]);
  });

  it('when all of this ran, then no card token appears in the logs or the database', async () => {
    expect(logs.length).toBeGreaterThan(10);
    expect(logs.filter((l) => l.includes('tok_visa') || l.includes('tok_declined'))).toEqual([]);
    expect(await databaseContains(db.pool, 'tok_visa')).toBe(false);
    expect(await databaseContains(db.pool, 'tok_declined')).toBe(false);
  });
});
