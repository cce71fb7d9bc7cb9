import { openApiDocumentIssues } from '@rc/testing';
import { randomUUID } from 'node:crypto';
import { call, checkoutBody, fresh, type JsonResponse } from './support/http';
import { OpenApiContract, type OpenApiDocument } from './support/openapi-contract';
import { E2EPlatform, START_TIMEOUT_MS } from './support/platform';

type Service = 'checkout' | 'cart' | 'payment' | 'inventory' | 'recommendations' | 'analytics';
const SERVICES: Service[] = [
  'checkout',
  'cart',
  'payment',
  'inventory',
  'recommendations',
  'analytics',
];

/**
 * Operations this suite checks only with an error: a successful redrive would move the shared
 * dead-letter topic's messages (other suites' poison events) back into `orders`.
 */
const ERROR_ONLY = new Set(['analytics POST /admin/dlq/{topic}/redrive']);

// The API documents against the running platform: each service's /docs-json (built from its
// production build) is valid, and real answers — a success and at least one problem+json per
// operation — match the schema the document gives for their status and content type.
describe('contract: real answers match each service’s OpenAPI document', () => {
  // Not 3190 or 3220: the admin ports are +1000, fetch refuses 4190 and NATS commonly holds 4222.
  const e2e = new E2EPlatform(3230);
  const contracts = new Map<Service, OpenApiContract>();
  const admin = () => ({ authorization: `Bearer ${e2e.platform.adminToken}` });

  beforeAll(async () => {
    await e2e.start();
    for (const service of SERVICES) {
      const res = await call('GET', e2e.url(service, '/docs-json'));
      if (res.status !== 200) throw new Error(`${service} /docs-json answered ${res.status}`);
      contracts.set(service, new OpenApiContract(service, res.body as OpenApiDocument));
    }
  }, START_TIMEOUT_MS);
  afterAll(() => e2e.stop(), 60_000);

  /** Asserts that `res` is a documented answer of `operation` of `service`; returns it. */
  const conforms = (service: Service, operation: string, res: JsonResponse): JsonResponse => {
    expect(contracts.get(service)!.issues(operation, res)).toEqual([]);
    return res;
  };
  const key = () => ({ 'idempotency-key': randomUUID() });

  it('when each service’s /docs-json is fetched, then it is valid OpenAPI 3.1 documenting the problem+json answers of every operation', async () => {
    for (const [service, contract] of contracts)
      expect({ service, issues: await openApiDocumentIssues(contract.document) }).toEqual({
        service,
        issues: [],
      });
  });

  // The services run from their bundles, which leave swagger-ui-dist outside (it serves its files
  // from its own folder): the page and every script and stylesheet it names must load.
  it('when each service’s /docs is fetched, then the Swagger UI page and every asset it names are served', async () => {
    for (const service of SERVICES) {
      const page = await fetch(e2e.url(service, '/docs'));
      const html = await page.text();
      const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
      const served = await Promise.all(
        assets.map(async (asset) => {
          const res = await fetch(new URL(asset, e2e.url(service, '/docs')));
          return { asset, status: res.status, bytes: (await res.arrayBuffer()).byteLength > 0 };
        }),
      );

      expect({ service, status: page.status, html: html.includes('swagger-ui') }).toEqual({
        service,
        status: 200,
        html: true,
      });
      expect(assets.length).toBeGreaterThanOrEqual(2);
      expect(served).toEqual(assets.map((asset) => ({ asset, status: 200, bytes: true })));
    }
  });

  it('checkout: a placed order, its read, and problems (no key, bad body, unknown order, bad id)', async () => {
    const product = await e2e.productWithStock(2);
    const { customerId, key: idempotencyKey } = fresh('contract');
    const url = e2e.url('checkout', '/v1/checkout');
    const body = checkoutBody(customerId, [{ sku: product.sku, quantity: 1 }]);

    const placed = conforms(
      'checkout',
      'POST /v1/checkout',
      await call('POST', url, { body, headers: { 'idempotency-key': idempotencyKey } }),
    );
    expect(placed.status).toBe(201);
    expect(
      conforms('checkout', 'POST /v1/checkout', await call('POST', url, { body })).status,
    ).toBe(400);
    expect(
      conforms(
        'checkout',
        'POST /v1/checkout',
        await call('POST', url, { body: { customerId }, headers: key() }),
      ).status,
    ).toBe(400);
    const unknownSku = checkoutBody(customerId, [
      { sku: `NOPE-${randomUUID().slice(0, 8)}`, quantity: 1 },
    ]);
    expect(
      conforms(
        'checkout',
        'POST /v1/checkout',
        await call('POST', url, { body: unknownSku, headers: key() }),
      ).status,
    ).toBe(422);

    const order = (id: string) =>
      call('GET', e2e.url('checkout', `/v1/orders/${id}`), { as: customerId });
    expect(
      conforms('checkout', 'GET /v1/orders/{orderId}', await order(placed.body.orderId as string))
        .status,
    ).toBe(200);
    expect(conforms('checkout', 'GET /v1/orders/{orderId}', await order(randomUUID())).status).toBe(
      404,
    );
    expect(conforms('checkout', 'GET /v1/orders/{orderId}', await order('not-a-uuid')).status).toBe(
      400,
    );
  });

  it('cart: read, set and remove a line, and problems (bad cart id, no key, bad body)', async () => {
    const cartId = `contract-${randomUUID().slice(0, 8)}`;
    const items = e2e.url('cart', `/v1/carts/${cartId}/items`);

    expect(
      conforms(
        'cart',
        'POST /v1/carts/{cartId}/items',
        await call('POST', items, { body: { sku: 'MUG', quantity: 2 }, headers: key() }),
      ).status,
    ).toBe(200);
    expect(
      conforms(
        'cart',
        'POST /v1/carts/{cartId}/items',
        await call('POST', items, { body: { sku: 'MUG', quantity: 2 } }),
      ).status,
    ).toBe(400);
    expect(
      conforms(
        'cart',
        'POST /v1/carts/{cartId}/items',
        await call('POST', items, { rawBody: '{"sku":', headers: key() }),
      ).status,
    ).toBe(400);
    expect(
      conforms(
        'cart',
        'POST /v1/carts/{cartId}/items',
        await call('POST', items, {
          rawBody: '<item sku="MUG"/>',
          headers: { ...key(), 'content-type': 'application/xml' },
        }),
      ).status,
    ).toBe(415);
    expect(
      conforms(
        'cart',
        'GET /v1/carts/{cartId}',
        await call('GET', e2e.url('cart', `/v1/carts/${cartId}`)),
      ).status,
    ).toBe(200);
    expect(
      conforms(
        'cart',
        'GET /v1/carts/{cartId}',
        await call('GET', e2e.url('cart', `/v1/carts/${'x'.repeat(65)}`)),
      ).status,
    ).toBe(400);
    expect(
      conforms(
        'cart',
        'DELETE /v1/carts/{cartId}/items/{sku}',
        await call('DELETE', `${items}/MUG`, { headers: key() }),
      ).status,
    ).toBe(200);
    expect(
      conforms(
        'cart',
        'DELETE /v1/carts/{cartId}/items/{sku}',
        await call('DELETE', `${items}/MUG`),
      ).status,
    ).toBe(400);
  });

  it('payment: charge, decline, refund, list and read, and problems (bad body, unknown payment, no order id)', async () => {
    const url = e2e.url('payment', '/v1/payments');
    const auth = await e2e.asCheckout('payment');
    const charge = (token: string) => ({
      orderId: randomUUID(),
      amount: 1_250,
      currency: 'EUR',
      token,
    });

    const captured = conforms(
      'payment',
      'POST /v1/payments',
      await call('POST', url, { body: charge('tok_visa'), headers: { ...auth, ...key() } }),
    );
    expect(captured.status).toBe(201);
    expect(
      conforms(
        'payment',
        'POST /v1/payments',
        await call('POST', url, { body: charge('tok_declined'), headers: { ...auth, ...key() } }),
      ).status,
    ).toBe(402);
    expect(
      conforms(
        'payment',
        'POST /v1/payments',
        await call('POST', url, { body: { amount: -1 }, headers: { ...auth, ...key() } }),
      ).status,
    ).toBe(400);

    const paymentId = captured.body.paymentId as string;
    const refund = (id: string) =>
      call('POST', `${url}/${id}/refund`, { headers: { ...auth, ...key() } });
    expect(
      conforms('payment', 'POST /v1/payments/{paymentId}/refund', await refund(paymentId)).status,
    ).toBe(200);
    expect(
      conforms('payment', 'POST /v1/payments/{paymentId}/refund', await refund(randomUUID()))
        .status,
    ).toBe(404);

    expect(
      conforms(
        'payment',
        'GET /v1/payments',
        await call('GET', `${url}?orderId=${captured.body.orderId as string}`, { headers: auth }),
      ).status,
    ).toBe(200);
    expect(
      conforms('payment', 'GET /v1/payments', await call('GET', url, { headers: auth })).status,
    ).toBe(400);
    expect(conforms('payment', 'GET /v1/payments', await call('GET', url)).status).toBe(401);
    expect(
      conforms(
        'payment',
        'GET /v1/payments/{paymentId}',
        await call('GET', `${url}/${paymentId}`, { headers: auth }),
      ).status,
    ).toBe(200);
    expect(
      conforms(
        'payment',
        'GET /v1/payments/{paymentId}',
        await call('GET', `${url}/${randomUUID()}`, { headers: auth }),
      ).status,
    ).toBe(404);
  });

  it('inventory: catalogue, reserve, commit, release and read, and problems (unknown SKU or order, bad body, committed, released, bad budget header)', async () => {
    const product = await e2e.productWithStock(2);
    const products = e2e.url('inventory', '/v1/products');
    expect(conforms('inventory', 'GET /v1/products', await call('GET', products)).status).toBe(200);
    expect(
      conforms(
        'inventory',
        'GET /v1/products',
        await call('GET', products, { headers: { 'x-request-timeout-ms': 'soon' } }),
      ).status,
    ).toBe(400);
    expect(
      conforms(
        'inventory',
        'GET /v1/products/{sku}',
        await call('GET', `${products}/${product.sku}`),
      ).status,
    ).toBe(200);
    expect(
      conforms(
        'inventory',
        'GET /v1/products/{sku}',
        await call('GET', `${products}/NOPE-${randomUUID().slice(0, 8)}`),
      ).status,
    ).toBe(404);

    const url = e2e.url('inventory', '/v1/reservations');
    const auth = await e2e.asCheckout('inventory');
    const orderId = randomUUID();
    const reserve = (id: string, sku = product.sku) =>
      call('POST', url, {
        body: { orderId: id, items: [{ sku, quantity: 1 }] },
        headers: { ...auth, ...key() },
      });
    const step = (id: string, action: 'commit' | 'release') =>
      call('POST', `${url}/${id}/${action}`, { headers: { ...auth, ...key() } });
    const reservations = async (operation: string, pending: Promise<JsonResponse>) =>
      conforms('inventory', operation, await pending).status;

    expect(await reservations('POST /v1/reservations', reserve(orderId))).toBe(201);
    expect(await reservations('POST /v1/reservations', reserve(randomUUID(), 'NOPE-1'))).toBe(404);
    const noItems = call('POST', url, { body: { orderId }, headers: { ...auth, ...key() } });
    expect(await reservations('POST /v1/reservations', noItems)).toBe(400);
    const read = (id: string) => call('GET', `${url}/${id}`, { headers: auth });
    expect(await reservations('GET /v1/reservations/{orderId}', read(orderId))).toBe(200);
    expect(await reservations('GET /v1/reservations/{orderId}', read(randomUUID()))).toBe(404);
    // Without checkout's service token: 401, as documented.
    const anonymous = call('POST', url, { body: { orderId: randomUUID() }, headers: key() });
    expect(await reservations('POST /v1/reservations', anonymous)).toBe(401);
    const commit = 'POST /v1/reservations/{orderId}/commit';
    expect(await reservations(commit, step(orderId, 'commit'))).toBe(200);
    expect(await reservations(commit, step(randomUUID(), 'commit'))).toBe(404);
    const release = 'POST /v1/reservations/{orderId}/release';
    expect(await reservations(release, step(orderId, 'release'))).toBe(409);
    // Releasing an order never reserved leaves a tombstone (RELEASED): a success; the order
    // cannot be reserved after that.
    const released = randomUUID();
    expect(await reservations(release, step(released, 'release'))).toBe(200);
    expect(await reservations('POST /v1/reservations', reserve(released))).toBe(409);
  });

  it('recommendations: suggestions, and problems (no SKUs, bad limit)', async () => {
    const url = e2e.url('recommendations', '/v1/recommendations');
    expect(
      conforms(
        'recommendations',
        'GET /v1/recommendations',
        await call('GET', `${url}?skus=MUG&limit=3`),
      ).status,
    ).toBe(200);
    expect(
      conforms('recommendations', 'GET /v1/recommendations', await call('GET', url)).status,
    ).toBe(400);
    expect(
      conforms(
        'recommendations',
        'GET /v1/recommendations',
        await call('GET', `${url}?skus=MUG&limit=0`),
      ).status,
    ).toBe(400);
  });

  it('analytics: summary and product sales, and problems (bad query, admin token, unknown dead-letter topic)', async () => {
    const summary = e2e.url('analytics', '/v1/analytics/summary');
    const product = e2e.url('analytics', '/v1/analytics/products/MUG');
    expect(
      conforms('analytics', 'GET /v1/analytics/summary', await call('GET', summary)).status,
    ).toBe(200);
    expect(
      conforms('analytics', 'GET /v1/analytics/summary', await call('GET', `${summary}?top=0`))
        .status,
    ).toBe(400);
    expect(
      conforms('analytics', 'GET /v1/analytics/products/{sku}', await call('GET', product)).status,
    ).toBe(200);
    expect(
      conforms(
        'analytics',
        'GET /v1/analytics/products/{sku}',
        await call('GET', `${product}?currency=euro`),
      ).status,
    ).toBe(400);

    const redrive = (topic: string, headers: Record<string, string>) =>
      call('POST', e2e.adminUrl('analytics', `/admin/dlq/${topic}/redrive`), { headers });
    expect(
      conforms('analytics', 'POST /admin/dlq/{topic}/redrive', await redrive('orders', key()))
        .status,
    ).toBe(401);
    expect(
      conforms(
        'analytics',
        'POST /admin/dlq/{topic}/redrive',
        await redrive(`nope-${randomUUID().slice(0, 8)}`, { ...admin(), ...key() }),
      ).status,
    ).toBe(404);
  });

  it('every service’s fault admin API: the rules, and problems (no token, invalid rules)', async () => {
    for (const service of SERVICES) {
      const url = e2e.adminUrl(service, '/admin/faults');
      expect(
        conforms(service, 'GET /admin/faults', await call('GET', url, { headers: admin() })).status,
      ).toBe(200);
      expect(conforms(service, 'GET /admin/faults', await call('GET', url)).status).toBe(401);
      expect(
        conforms(
          service,
          'PUT /admin/faults',
          await call('PUT', url, { body: { rules: [{ kind: 'nonsense' }] }, headers: admin() }),
        ).status,
      ).toBe(400);
      expect(
        conforms(
          service,
          'PUT /admin/faults',
          await call('PUT', url, { body: { rules: [] }, headers: admin() }),
        ).status,
      ).toBe(200);
      expect(
        conforms(service, 'DELETE /admin/faults', await call('DELETE', url, { headers: admin() }))
          .status,
      ).toBe(204);
      expect(conforms(service, 'DELETE /admin/faults', await call('DELETE', url)).status).toBe(401);
    }
  });

  it('when the suite has run, then every documented operation was checked with a success and a problem', () => {
    const gaps = [...contracts].flatMap(([service, contract]) =>
      contract.operations().flatMap((operation) => {
        const statuses = contract.checked
          .filter((c) => c.operation === operation)
          .map((c) => c.status);
        const missing = [];
        if (!statuses.some((s) => s < 300) && !ERROR_ONLY.has(`${service} ${operation}`))
          missing.push(`${service} ${operation}: no success checked`);
        if (!statuses.some((s) => s >= 400))
          missing.push(`${service} ${operation}: no problem checked`);
        return missing;
      }),
    );
    expect(gaps).toEqual([]);
  });
});
