import {
  bootstrapService,
  type RunningService,
  servicePrivateKey,
  ServiceTokenSigner,
} from '@rc/platform';
import {
  createThrowawayDatabase,
  deleteTopics,
  sendJson,
  serviceTestEnv,
  serviceTokenEnv,
  testServiceKeyPair,
  type ThrowawayDatabase,
  uniqueName,
} from '@rc/testing';
import { randomUUID } from 'node:crypto';
import { inventoryConfigSchema } from '../../src/config/inventory.config';
import { InventoryModule } from '../../src/inventory.module';
import { testKafka } from '../support/kafka-fixture';

const ADMIN_TOKEN = 'test-admin-token-0123456789';
/** Checkout's service-token key pair for this suite; the app trusts its public half. */
const checkoutKey = testServiceKeyPair();
const asCheckout = new ServiceTokenSigner({
  issuer: 'checkout',
  key: servicePrivateKey(checkoutKey.privateKey),
});

describe('inventory over HTTP (the real app on a throwaway database)', () => {
  let db: ThrowawayDatabase;
  let service: RunningService<unknown>;
  const topics = [uniqueName('it-inv-http-orders'), uniqueName('it-inv-http-inventory')];

  beforeAll(async () => {
    db = await createThrowawayDatabase('inv_http');
    service = await bootstrapService({
      module: InventoryModule,
      schema: inventoryConfigSchema,
      env: {
        ...serviceTestEnv(),
        DATABASE_URL: db.url,
        SERVICE_NAME: uniqueName('inventory'),
        ORDERS_TOPIC: topics[0],
        INVENTORY_TOPIC: topics[1],
        CONSUMER_GROUP: uniqueName('inventory'),
        ADMIN_TOKEN,
        ...serviceTokenEnv(checkoutKey).inventory,
      },
      logSink: () => undefined,
      handleSignals: false,
    });
  });

  afterAll(async () => {
    await service?.shutdown('test');
    await db?.drop();
    await deleteTopics(
      testKafka(),
      topics.flatMap((t) => [t, `${t}.dlq`]),
    );
  });

  /** A request as checkout: with its service token for inventory, unless `headers` sets one. */
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) =>
    sendJson(service.url, method, path, body, {
      authorization: await asCheckout.authorizationFor('inventory'),
      ...headers,
    });
  const callAdmin = (
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => sendJson(service.adminUrl!, method, path, body, headers);

  it('when the service is up, then it is ready and serves the seeded catalogue', async () => {
    const ready = await call('GET', '/health/ready');
    const products = await call('GET', '/v1/products');

    expect(ready.status).toBe(200);
    const body = (await products.json()) as { items: { sku: string; available: number }[] };
    expect(body.items.length).toBeGreaterThanOrEqual(25);
    expect(body.items.find((p) => p.sku === 'BINOC-8X42')).toMatchObject({
      price: 24_900,
      currency: 'EUR',
      available: 2,
    });
  });

  it('when a reservation is retried with its key or re-sent with another, then stock is held once', async () => {
    const orderId = randomUUID();
    const body = { orderId, items: [{ sku: 'TENT-4P-FAMILY', quantity: 2 }] };

    const first = await call('POST', '/v1/reservations', body, {
      'idempotency-key': `order:${orderId}:reserve`,
    });
    const replay = await call('POST', '/v1/reservations', body, {
      'idempotency-key': `order:${orderId}:reserve`,
    });
    const otherKey = await call('POST', '/v1/reservations', body, {
      'idempotency-key': randomUUID(),
    });

    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({
      orderId,
      status: 'RESERVED',
      items: [{ sku: 'TENT-4P-FAMILY', quantity: 2, unitPrice: 42_900, currency: 'EUR' }],
    });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(otherKey.status).toBe(200);
    const product = (await (await call('GET', '/v1/products/TENT-4P-FAMILY')).json()) as {
      available: number;
    };
    expect(product.available).toBe(4);
  });

  it('when a reservation is made, then its Idempotency-Key is completed with the 201 answer by the reserve itself (the same transaction), prices and expiry included', async () => {
    const orderId = randomUUID();
    const key = { 'idempotency-key': `order:${orderId}:reserve` };
    const body = {
      orderId,
      items: [
        { sku: 'TENT-4P-FAMILY', quantity: 1 },
        { sku: 'BINOC-8X42', quantity: 1 },
      ],
      ttlSeconds: 600,
    };

    const first = await call('POST', '/v1/reservations', body, key);
    const replay = await call('POST', '/v1/reservations', body, key);

    const answer = (await first.json()) as { items: { sku: string }[] };
    const { rows } = await db.pool.query<{ same_transaction: boolean; body: unknown }>(
      `SELECT k.completed_at + make_interval(secs => 600) = r.expires_at AS same_transaction,
              k.response_body AS body
         FROM idempotency_keys k, reservations r WHERE k.key = $1 AND r.order_id = $2`,
      [key['idempotency-key'], orderId],
    );
    expect(first.status).toBe(201);
    expect(answer.items.map((i) => i.sku)).toEqual(['BINOC-8X42', 'TENT-4P-FAMILY']);
    // now() is the transaction's start: equal only when one transaction wrote both.
    expect(rows).toEqual([{ same_transaction: true, body: answer }]);
    expect(replay.status).toBe(201);
    expect(await replay.json()).toEqual(answer);
    // What the statement stored was the answer itself (else the interceptor replaces it).
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/resilience_idempotency_outcomes_total\{[^}]*outcome="completed"/);
    expect(metrics).not.toContain('outcome="replaced"');
  });

  it('when a mutation has no Idempotency-Key, then it is refused with 400 problem+json', async () => {
    const response = await call('POST', `/v1/reservations/${randomUUID()}/release`);

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await response.json()).toMatchObject({ code: 'IDEMPOTENCY.KEY_MISSING' });
  });

  it('when stock is short or a SKU unknown, then the stable codes come back as problem+json', async () => {
    const short = await call(
      'POST',
      '/v1/reservations',
      { orderId: randomUUID(), items: [{ sku: 'GPS-HAND-66', quantity: 99 }] },
      { 'idempotency-key': randomUUID() },
    );
    const unknown = await call('GET', '/v1/products/NO-SUCH-SKU');

    expect(short.status).toBe(409);
    expect(await short.json()).toMatchObject({
      code: 'INVENTORY.INSUFFICIENT_STOCK',
      skus: ['GPS-HAND-66'],
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'INVENTORY.UNKNOWN_SKU' });
  });

  it('when a release overtakes its reserve, then the late reserve answers 409 with the RELEASED status', async () => {
    const orderId = randomUUID();

    const release = await call('POST', `/v1/reservations/${orderId}/release`, undefined, {
      'idempotency-key': 'r',
    });
    const late = await call(
      'POST',
      '/v1/reservations',
      { orderId, items: [{ sku: 'MAT-FOAM-ZZ', quantity: 1 }] },
      { 'idempotency-key': `order:${orderId}:reserve` },
    );

    expect(release.status).toBe(200);
    expect(await release.json()).toMatchObject({ orderId, status: 'RELEASED', items: [] });
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({
      code: 'INVENTORY.RESERVATION_NOT_ACTIVE',
      reservationStatus: 'RELEASED',
      status: 409,
    });
  });

  it('when an operator injects a fault on a route, then that route fails until the fault is cleared', async () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const rules = [
      {
        id: 'list-down',
        target: 'route',
        name: 'GET /v1/products',
        probability: 1,
        enabled: true,
        fault: { kind: 'error', status: 503 },
      },
    ];

    const put = await callAdmin('PUT', '/admin/faults', { rules }, auth);
    const broken = await call('GET', '/v1/products');
    const cleared = await callAdmin('DELETE', '/admin/faults', undefined, auth);
    const healed = await call('GET', '/v1/products');

    expect(put.status).toBe(200);
    expect(broken.status).toBe(503);
    expect(cleared.status).toBe(204);
    expect(healed.status).toBe(200);
  });

  it('when a reservation route is called without a valid service token, then 401 and no stock is held; the catalogue needs none', async () => {
    const orderId = randomUUID();
    const body = { orderId, items: [{ sku: 'MUG', quantity: 1 }] };
    const before = (await (await sendJson(service.url, 'GET', '/v1/products/MUG')).json()) as {
      available: number;
    };
    const forPayment = await asCheckout.authorizationFor('payment');
    const intruder = new ServiceTokenSigner({
      issuer: 'cart',
      key: servicePrivateKey(testServiceKeyPair().privateKey),
    });

    const answers = [
      await sendJson(service.url, 'POST', '/v1/reservations', body, { 'idempotency-key': orderId }),
      await call('POST', '/v1/reservations', body, {
        'idempotency-key': orderId,
        authorization: forPayment,
      }),
      await call('POST', `/v1/reservations/${orderId}/release`, undefined, {
        'idempotency-key': `${orderId}:release`,
        authorization: await intruder.authorizationFor('inventory'),
      }),
      await sendJson(service.url, 'GET', `/v1/reservations/${orderId}`),
    ];

    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401]);
    const codes = (await Promise.all(answers.map((a) => a.json()))) as {
      code: string;
      reason?: string;
    }[];
    expect(codes.map((c) => [c.code, c.reason])).toEqual([
      ['AUTH.SERVICE_TOKEN_REQUIRED', undefined],
      ['AUTH.SERVICE_TOKEN_INVALID', 'wrong_audience'],
      ['AUTH.SERVICE_TOKEN_INVALID', 'untrusted_issuer'],
      ['AUTH.SERVICE_TOKEN_REQUIRED', undefined],
    ]);
    const after = (await (await sendJson(service.url, 'GET', '/v1/products/MUG')).json()) as {
      available: number;
    };
    expect(after.available).toBe(before.available);
    expect((await call('GET', `/v1/reservations/${orderId}`)).status).toBe(404);
  });
});
