import { servicePrivateKey, ServiceTokenSigner } from '@rc/platform';
import { sendJson, testServiceKeyPair } from '@rc/testing';
import { randomUUID } from 'node:crypto';
import { adminAuth as auth, type PaymentApp, startPaymentApp } from '../support/payment-app';
import { databaseContains, paymentRows, providerFault } from '../support/payment-fixture';

describe('payment over HTTP (the real app on a throwaway database)', () => {
  let app: PaymentApp;

  beforeAll(async () => {
    app = await startPaymentApp('pay_http');
  });

  afterAll(async () => {
    await app?.stop();
  });

  const call: PaymentApp['call'] = (...args) => app.call(...args);

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
    expect(await paymentRows(app.db.pool, orderId)).toHaveLength(1);
  });

  it('when a charge is captured, then its Idempotency-Key is completed with the 201 answer by the capture itself (the same transaction), updatedAt included', async () => {
    const orderId = randomUUID();

    const first = await call('POST', '/v1/payments', chargeBody(orderId), key(orderId));
    const replay = await call('POST', '/v1/payments', chargeBody(orderId), key(orderId));

    const answer = (await first.json()) as Record<string, unknown>;
    const { rows } = await app.db.pool.query<{ same_transaction: boolean; body: unknown }>(
      `SELECT k.completed_at = p.updated_at AS same_transaction, k.response_body AS body
         FROM idempotency_keys k, payments p WHERE k.key = $1 AND p.order_id = $2`,
      [`order:${orderId}:charge`, orderId],
    );
    // now() is the transaction's start: equal only when one transaction wrote both.
    expect(rows).toEqual([{ same_transaction: true, body: answer }]);
    expect(replay.status).toBe(201);
    expect(await replay.json()).toEqual(answer);
    // What the statement stored was the answer itself (else the interceptor replaces it).
    const metrics = await (await fetch(`${app.service.url}/metrics`)).text();
    expect(metrics).toMatch(/resilience_idempotency_outcomes_total\{[^}]*outcome="completed"/);
    expect(metrics).not.toContain('outcome="replaced"');
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
    expect(await paymentRows(app.db.pool, orderId)).toEqual([
      { status: 'FAILED', decline_code: 'card_declined' },
    ]);
  });

  it('when the provider is down, then 503 PAYMENT.PROVIDER_UNAVAILABLE releases the key and the same key succeeds later', async () => {
    const orderId = randomUUID();
    await app.callAdmin(
      'PUT',
      '/admin/faults',
      { rules: providerFault({ kind: 'error', status: 503 }) },
      auth,
    );

    const down = await call('POST', '/v1/payments', chargeBody(orderId), key(orderId));
    await app.callAdmin('DELETE', '/admin/faults', undefined, auth);
    const later = await call('POST', '/v1/payments', chargeBody(orderId), key(orderId));

    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBeTruthy();
    expect(await down.json()).toMatchObject({ code: 'PAYMENT.PROVIDER_UNAVAILABLE' });
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
    expect(await paymentRows(app.db.pool, orderId)).toEqual([
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

  it('when a charge comes without a valid service token, then 401 problem+json and nothing is charged', async () => {
    const signer = (privateKey: string, now?: () => number) =>
      new ServiceTokenSigner({ issuer: 'checkout', key: servicePrivateKey(privateKey), now });
    const forged = await signer(testServiceKeyPair().privateKey).authorizationFor('payment');
    const expired = await signer(
      app.serviceKey.privateKey,
      () => Date.now() - 120_000,
    ).authorizationFor('payment');
    const forInventory = await signer(app.serviceKey.privateKey).authorizationFor('inventory');
    const orderId = randomUUID();
    const attempt = (headers: Record<string, string>) =>
      sendJson(app.service.url, 'POST', '/v1/payments', chargeBody(orderId), {
        ...key(orderId),
        ...headers,
      });

    const answers = [
      await attempt({}),
      await attempt({ authorization: forged }),
      await attempt({ authorization: expired }),
      await attempt({ authorization: forInventory }),
      await attempt({ authorization: 'Bearer not-a-token' }),
    ];

    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
    expect(answers.map((a) => a.headers.get('content-type'))).toEqual(
      answers.map(() => expect.stringContaining('application/problem+json')),
    );
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as {
      code: string;
      reason?: string;
    }[];
    expect(bodies.map((b) => [b.code, b.reason])).toEqual([
      ['AUTH.SERVICE_TOKEN_REQUIRED', undefined],
      ['AUTH.SERVICE_TOKEN_INVALID', 'bad_signature'],
      ['AUTH.SERVICE_TOKEN_INVALID', 'expired'],
      ['AUTH.SERVICE_TOKEN_INVALID', 'wrong_audience'],
      ['AUTH.SERVICE_TOKEN_INVALID', 'malformed'],
    ]);
    expect(await paymentRows(app.db.pool, orderId)).toEqual([]);
    // Reads are for platform services too.
    expect((await sendJson(app.service.url, 'GET', `/v1/payments?orderId=${orderId}`)).status).toBe(
      401,
    );
  });

  it('when payments move, then their events reach the payments topic keyed by order', async () => {
    const orderId = randomUUID();
    await call('POST', '/v1/payments', chargeBody(orderId), key(orderId));

    expect(await app.publishedEventTypes(orderId)).toEqual(['PaymentCaptured']);
  });

  it('when all of this ran, then no card token appears in the logs or the database', async () => {
    expect(app.logs.length).toBeGreaterThan(10);
    expect(app.logs.filter((l) => l.includes('tok_visa') || l.includes('tok_declined'))).toEqual(
      [],
    );
    expect(await databaseContains(app.db.pool, 'tok_visa')).toBe(false);
    // Nor any part of a service token (a JWT's header starts with eyJ).
    expect(app.logs.filter((l) => /eyJ[\w-]{10,}\.eyJ/.test(l))).toEqual([]);
    expect(await databaseContains(app.db.pool, 'tok_declined')).toBe(false);
  });
});
