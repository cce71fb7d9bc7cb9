import { closedPort, metricValue, sendJson, waitFor } from '@rc/testing';
import { ServiceMetrics } from '@rc/platform';
import { randomUUID } from 'node:crypto';
import { startCart, type StartedCart } from '../support/start-cart';

describe('cart over HTTP (service in-process, real Redis, Kafka unreachable)', () => {
  let cart: StartedCart;

  beforeAll(async () => {
    // Kafka is "down" for this whole suite: a closed port, the shared broker is untouched.
    cart = await startCart({
      KAFKA_BROKERS: `127.0.0.1:${await closedPort()}`,
      CART_MAX_LINES: '3',
    });
  });

  afterAll(async () => {
    await cart?.stop();
  });

  /** As the suite's customer, `cart-it`, unless `headers` bring another authorization. */
  const send = async (
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) =>
    sendJson(cart.url, method, path, body, {
      ...(await cart.customers.headersFor('cart-it')),
      ...headers,
    });
  const sendAdmin = (
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => sendJson(cart.adminUrl, method, path, body, headers);
  const write = (method: string, path: string, body?: unknown) =>
    send(method, path, body, { 'idempotency-key': randomUUID() });

  it('when lines are set, changed and removed, then GET shows the cart, with Kafka down all along', async () => {
    // Act
    const set = await write('POST', '/v1/carts/http-1/items', { sku: 'MUG', quantity: 2 });
    await write('POST', '/v1/carts/http-1/items', { sku: 'KETTLE', quantity: 1 });
    await write('POST', '/v1/carts/http-1/items', { sku: 'MUG', quantity: 5 });
    const removed = await write('DELETE', '/v1/carts/http-1/items/KETTLE');
    const read = await send('GET', '/v1/carts/http-1');

    // Assert
    expect(set.status).toBe(200);
    expect(removed.status).toBe(200);
    expect(await read.json()).toEqual({ cartId: 'http-1', items: [{ sku: 'MUG', quantity: 5 }] });
    const registry = cart.service.app.get(ServiceMetrics).registry;
    await waitFor(
      async () =>
        (await metricValue(registry, 'cart_events_recorded_total', { type: 'CartItemAdded' })) ===
        3,
      2_000,
      'events recorded',
    );
    expect(await metricValue(registry, 'cart_events_published_total')).toBe(0);
  });

  it('when an unknown cart is read, then it is empty (200)', async () => {
    // Act
    const res = await send('GET', '/v1/carts/never-seen');

    // Assert
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ cartId: 'never-seen', items: [] });
  });

  it('when no customer token is sent, then 401 AUTH.CREDENTIALS_REQUIRED and nothing is stored', async () => {
    // Act
    const res = await sendJson(
      cart.url,
      'POST',
      '/v1/carts/anon-1/items',
      { sku: 'MUG', quantity: 1 },
      {
        'idempotency-key': randomUUID(),
        'x-client-id': 'cart-it',
      },
    );

    // Assert
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'AUTH.CREDENTIALS_REQUIRED' });
    expect(await cart.redis.keys(`${cart.prefix}*anon-1*`)).toEqual([]);
  });

  it('when two customers use the same cart id, then each has a cart of their own', async () => {
    // Arrange
    const alice = await cart.customers.headersFor('alice');
    const bob = await cart.customers.headersFor('bob');
    const put = (who: Record<string, string>, quantity: number) =>
      send(
        'POST',
        '/v1/carts/shared-1/items',
        { sku: 'MUG', quantity },
        {
          ...who,
          'idempotency-key': randomUUID(),
        },
      );

    // Act
    await put(alice, 2);
    await put(bob, 7);
    const aliceCart = await send('GET', '/v1/carts/shared-1', undefined, alice);
    const bobCart = await send('GET', '/v1/carts/shared-1', undefined, bob);

    // Assert
    expect(await aliceCart.json()).toEqual({
      cartId: 'shared-1',
      items: [{ sku: 'MUG', quantity: 2 }],
    });
    expect(await bobCart.json()).toEqual({
      cartId: 'shared-1',
      items: [{ sku: 'MUG', quantity: 7 }],
    });
  });

  it('when a write is retried with the same Idempotency-Key, then the first response is replayed', async () => {
    // Arrange
    const key = randomUUID();
    const first = await send(
      'POST',
      '/v1/carts/http-2/items',
      { sku: 'MUG', quantity: 1 },
      { 'idempotency-key': key },
    );
    await write('POST', '/v1/carts/http-2/items', { sku: 'MUG', quantity: 9 });

    // Act
    const retry = await send(
      'POST',
      '/v1/carts/http-2/items',
      { sku: 'MUG', quantity: 1 },
      { 'idempotency-key': key },
    );

    // Assert
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual(await first.json());
  });

  it('when the same key comes with another body, then 422 IDEMPOTENCY.KEY_REUSED', async () => {
    // Arrange
    const key = randomUUID();
    await send(
      'POST',
      '/v1/carts/http-3/items',
      { sku: 'MUG', quantity: 1 },
      { 'idempotency-key': key },
    );

    // Act
    const reused = await send(
      'POST',
      '/v1/carts/http-3/items',
      { sku: 'MUG', quantity: 2 },
      { 'idempotency-key': key },
    );

    // Assert
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ code: 'IDEMPOTENCY.KEY_REUSED' });
  });

  it.each([
    [
      'no Idempotency-Key',
      () => send('POST', '/v1/carts/http-4/items', { sku: 'MUG', quantity: 1 }),
      'IDEMPOTENCY.KEY_MISSING',
    ],
    [
      'a zero quantity',
      () => write('POST', '/v1/carts/http-4/items', { sku: 'MUG', quantity: 0 }),
      'HTTP.VALIDATION_FAILED',
    ],
    [
      'a fractional quantity',
      () => write('POST', '/v1/carts/http-4/items', { sku: 'MUG', quantity: 1.5 }),
      'HTTP.VALIDATION_FAILED',
    ],
    [
      'a bad sku',
      () => write('POST', '/v1/carts/http-4/items', { sku: 'no spaces', quantity: 1 }),
      'HTTP.VALIDATION_FAILED',
    ],
    ['a bad cart id', () => send('GET', '/v1/carts/has:colon'), 'HTTP.VALIDATION_FAILED'],
    [
      'a cart id over 64 chars',
      () => send('GET', `/v1/carts/${'x'.repeat(65)}`),
      'HTTP.VALIDATION_FAILED',
    ],
  ])(
    'when a request has %s, then 400 problem+json with a stable code',
    async (_, request, code) => {
      // Act
      const res = await request();

      // Assert
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject({ code: code });
    },
  );

  it('when a cart is full, then a new line is refused with 422 CART.TOO_MANY_LINES', async () => {
    // Arrange
    for (const sku of ['A', 'B', 'C'])
      await write('POST', '/v1/carts/http-5/items', { sku, quantity: 1 });

    // Act
    const res = await write('POST', '/v1/carts/http-5/items', { sku: 'D', quantity: 1 });

    // Assert
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: 'CART.TOO_MANY_LINES', maxLines: 3 });
  });

  it('when the fault admin API is called without the token, then 401; with it, rules apply to routes', async () => {
    // Arrange
    const rules = {
      rules: [
        {
          id: 'boom',
          target: 'route',
          name: 'GET /v1/carts/:cartId',
          probability: 1,
          enabled: true,
          fault: { kind: 'error', status: 503 },
        },
      ],
    };

    // Act
    const refused = await sendAdmin('PUT', '/admin/faults', rules);
    const put = await sendAdmin('PUT', '/admin/faults', rules, {
      authorization: 'Bearer test-admin-token-0123456789',
    });
    const broken = await send('GET', '/v1/carts/http-6');
    await sendAdmin('DELETE', '/admin/faults', undefined, {
      authorization: 'Bearer test-admin-token-0123456789',
    });
    const healed = await send('GET', '/v1/carts/http-6');

    // Assert
    expect(refused.status).toBe(401);
    expect(put.status).toBe(200);
    expect(broken.status).toBe(503);
    expect(healed.status).toBe(200);
  });

  it('when readiness is asked, then it reports Redis only (Kafka down does not make the cart unready)', async () => {
    // Act
    const res = await send('GET', '/health/ready');

    // Assert
    expect(res.status).toBe(200);
    const body = (await res.json()) as { checks: Record<string, unknown> };
    expect(Object.keys(body.checks)).toEqual(['redis']);
  });
});

describe('cart over HTTP with Redis unreachable', () => {
  let cart: StartedCart;

  beforeAll(async () => {
    const port = await closedPort();
    cart = await startCart({ REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_CONNECT_WAIT_MS: '0' });
  });

  afterAll(async () => {
    await cart?.stop();
  });

  it('when a cart is read or written, then 503 CART.STORE_UNAVAILABLE with Retry-After, and readiness is down', async () => {
    // Act
    const signedIn = await cart.customers.headersFor('cart-it');
    const read = await fetch(`${cart.url}/v1/carts/any`, { headers: signedIn });
    const written = await fetch(`${cart.url}/v1/carts/any/items`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
        ...signedIn,
      },
      body: JSON.stringify({ sku: 'MUG', quantity: 1 }),
    });
    const ready = await fetch(`${cart.url}/health/ready`);

    // Assert
    for (const res of [read, written]) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toMatchObject({ code: 'CART.STORE_UNAVAILABLE' });
    }
    expect(ready.status).toBe(503);
  });
});
