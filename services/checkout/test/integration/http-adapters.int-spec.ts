import { closedPort } from '@rc/testing';
import {
  FaultInjector,
  HttpDependencyError,
  ResilientHttpClient,
  runWithDeadline,
} from '@rc/resilience';
import { Registry } from 'prom-client';
import { CartHttpAdapter } from '../../src/infrastructure/http/cart.http-adapter';
import { CatalogHttpAdapter } from '../../src/infrastructure/http/catalog.http-adapter';
import { faultInjectingFetch } from '../../src/infrastructure/http/fault-injecting-fetch';
import { buildOutboundPolicies } from '../../src/infrastructure/http/outbound-policies';
import { PaymentHttpAdapter } from '../../src/infrastructure/http/payment.http-adapter';
import { RecommendationHttpAdapter } from '../../src/infrastructure/http/recommendation.http-adapter';
import { ReservationHttpAdapter } from '../../src/infrastructure/http/reservation.http-adapter';
import { ContractServer, json, problem, sleep } from '../support/contract-server';

const ORDER = '6f1c3e9a-2b7d-5c58-9a41-0d5e8b7f3c21';
let server: ContractServer;

beforeAll(async () => {
  server = await ContractServer.start();
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => server.reset());

/**
 * A client as checkout wires one, on fresh policies per test (own breakers and budgets), with
 * short timeouts to keep tests fast.
 */
function clientOf(
  name: 'inventory' | 'payment' | 'cart' | 'recommendations',
  overrides: Record<string, unknown> = {},
  baseUrl = server.url,
  transport?: typeof fetch,
): ResilientHttpClient {
  const fast = { attemptTimeoutMs: 300, breaker: { slowCallDurationMs: 200 } };
  const base: Record<string, unknown> = { payment: fast, inventory: fast };
  const own = (base[name] ?? {}) as Record<string, unknown>;
  const policies = buildOutboundPolicies(
    {
      ...base,
      [name]: {
        ...own,
        ...overrides,
        breaker: { ...(own.breaker ?? {}), ...((overrides.breaker as object) ?? {}) },
      },
    },
    new Registry(),
  );
  return new ResilientHttpClient({
    baseUrl,
    policy: policies.get(name),
    headers: { 'x-client-id': 'checkout' },
    ...(transport ? { fetch: transport } : {}),
  });
}

/** A URL where nothing listens (connection refused). */
async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await closedPort()}`;
}

describe('cart adapter (GET /v1/carts/:cartId)', () => {
  it('when the cart answers, then its lines come back and checkout identifies itself with its budget', async () => {
    server.on('GET /v1/carts/:cartId', (req, res) =>
      json(res, 200, { cartId: req.params.cartId, items: [{ sku: 'MUG', quantity: 2 }] }),
    );
    const cart = new CartHttpAdapter(clientOf('cart'));

    const lines = await runWithDeadline(Date.now() + 2_000, () => cart.getLines('cart 1'));

    expect(lines).toEqual([{ sku: 'MUG', quantity: 2 }]);
    const [request] = server.received('GET', '/v1/carts/');
    expect(request?.params.cartId).toBe('cart 1');
    expect(request?.headers['x-client-id']).toBe('checkout');
    expect(Number(request?.headers['x-request-timeout-ms'])).toBeLessThanOrEqual(300);
  });

  it('when the cart answers 503 twice, then the call fails after one retry', async () => {
    server.on('GET /v1/carts/:cartId', (_req, res) =>
      problem(res, 503, 'CART.STORE_UNAVAILABLE', 'down'),
    );
    const cart = new CartHttpAdapter(clientOf('cart'));

    await expect(cart.getLines('c1')).rejects.toBeInstanceOf(HttpDependencyError);
    expect(server.received('GET', '/v1/carts/')).toHaveLength(2);
  });

  it('when the cart is slow, then the call gives up at the attempt timeout', async () => {
    server.on('GET /v1/carts/:cartId', async (_req, res) => {
      await sleep(1_000);
      json(res, 200, { items: [] });
    });
    const cart = new CartHttpAdapter(clientOf('cart', { retry: { maxAttempts: 1 } }));
    const started = Date.now();

    await expect(cart.getLines('c1')).rejects.toMatchObject({ code: 'RESILIENCE.ATTEMPT_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(800);
  });
});

describe('catalog adapter (GET /v1/products/:sku)', () => {
  it('when the product exists, then its price and currency come back', async () => {
    server.on('GET /v1/products/:sku', (req, res) =>
      json(res, 200, {
        sku: req.params.sku,
        name: 'Mug',
        price: 1_200,
        currency: 'EUR',
        available: 4,
      }),
    );

    const price = await new CatalogHttpAdapter(clientOf('inventory')).priceOf('MUG');

    expect(price).toEqual({ sku: 'MUG', unitPrice: 1_200, currency: 'EUR' });
  });

  it('when inventory answers 404 INVENTORY.UNKNOWN_SKU, then the SKU is unknown (not a failure)', async () => {
    server.on('GET /v1/products/:sku', (_req, res) =>
      problem(res, 404, 'INVENTORY.UNKNOWN_SKU', 'Unknown SKU: X.', { skus: ['X'] }),
    );

    expect(await new CatalogHttpAdapter(clientOf('inventory')).priceOf('X')).toBeUndefined();
  });

  it('when inventory sends a price that is not integer minor units, then the answer is rejected as bad', async () => {
    server.on('GET /v1/products/:sku', (req, res) =>
      json(res, 200, {
        sku: req.params.sku,
        name: 'Mug',
        price: 12.5,
        currency: 'EUR',
        available: 4,
      }),
    );

    await expect(
      new CatalogHttpAdapter(clientOf('inventory')).priceOf('MUG'),
    ).rejects.toMatchObject({
      code: 'RESILIENCE.DEPENDENCY_BAD_RESPONSE',
    });
  });
});

describe('reservation adapter (POST /v1/reservations, …/release)', () => {
  const lines = [{ sku: 'MUG', quantity: 2 }];

  it('when inventory reserves, then the call carried the order-derived idempotency key and the lines', async () => {
    server.on('POST /v1/reservations', (req, res) =>
      json(res, 201, { orderId: (req.body as { orderId: string }).orderId, status: 'RESERVED' }),
    );

    const result = await new ReservationHttpAdapter(clientOf('inventory')).reserve(ORDER, lines);

    expect(result).toEqual({ kind: 'reserved' });
    const [request] = server.received('POST', '/v1/reservations');
    expect(request?.headers['idempotency-key']).toBe(`order:${ORDER}:reserve`);
    expect(request?.body).toEqual({ orderId: ORDER, items: lines });
  });

  it.each([
    [409, 'INVENTORY.INSUFFICIENT_STOCK', { kind: 'insufficient_stock', skus: ['MUG'] }],
    [404, 'INVENTORY.UNKNOWN_SKU', { kind: 'unknown_sku', skus: ['MUG'] }],
    [409, 'INVENTORY.RESERVATION_NOT_ACTIVE', { kind: 'not_active' }],
  ])('when inventory answers %i %s, then the result says so', async (status, code, expected) => {
    server.on('POST /v1/reservations', (_req, res) =>
      problem(res, status, code, 'no', { skus: ['MUG'] }),
    );

    const result = await new ReservationHttpAdapter(clientOf('inventory')).reserve(ORDER, lines);

    expect(result).toEqual(expected);
  });

  it('when inventory never answers in time, then the reservation may exist (maybeApplied)', async () => {
    server.on('POST /v1/reservations', async (_req, res) => {
      await sleep(1_000);
      json(res, 201, { orderId: ORDER, status: 'RESERVED' });
    });
    const adapter = new ReservationHttpAdapter(
      clientOf('inventory', { retry: { maxAttempts: 1 } }),
    );

    const result = await adapter.reserve(ORDER, lines);

    expect(result).toMatchObject({ kind: 'unavailable', maybeApplied: true });
  });

  it('when inventory refuses connections, then no reservation can exist', async () => {
    const adapter = new ReservationHttpAdapter(clientOf('inventory', {}, await closedPortUrl()));

    const result = await adapter.reserve(ORDER, lines);

    expect(result).toMatchObject({ kind: 'unavailable', maybeApplied: false });
  });

  it('when a release succeeds or finds the reservation already inactive, then it resolves; a 500 rejects', async () => {
    const adapter = new ReservationHttpAdapter(
      clientOf('inventory', { retry: { maxAttempts: 1 } }),
    );
    server.on('POST /v1/reservations/:orderId/release', (req, res) =>
      json(res, 200, { orderId: req.params.orderId, status: 'RELEASED' }),
    );
    await expect(adapter.release(ORDER)).resolves.toBeUndefined();
    expect(server.received('POST', '/v1/reservations/')[0]?.headers['idempotency-key']).toBe(
      `order:${ORDER}:release`,
    );

    server.on('POST /v1/reservations/:orderId/release', (_req, res) =>
      problem(res, 409, 'INVENTORY.RESERVATION_NOT_ACTIVE', 'expired'),
    );
    await expect(adapter.release(ORDER)).resolves.toBeUndefined();

    server.on('POST /v1/reservations/:orderId/release', (_req, res) =>
      problem(res, 500, 'HTTP.INTERNAL', 'boom'),
    );
    await expect(adapter.release(ORDER)).rejects.toBeInstanceOf(HttpDependencyError);
  });
});

describe('payment adapter (POST /v1/payments, GET /v1/payments, refunds)', () => {
  const charge = { orderId: ORDER, amount: 2_850, currency: 'EUR', token: 'tok_visa' };
  const captured = (res: Parameters<typeof json>[0]) =>
    json(res, 201, {
      paymentId: 'pay-1',
      orderId: ORDER,
      status: 'CAPTURED',
      amount: 2_850,
      currency: 'EUR',
    });

  it("when payment captures, then the charge carried checkout's own key, never the client's", async () => {
    server.on('POST /v1/payments', (_req, res) => captured(res));

    const result = await new PaymentHttpAdapter(clientOf('payment')).charge(charge);

    expect(result).toEqual({ kind: 'captured', paymentId: 'pay-1' });
    const [request] = server.received('POST', '/v1/payments');
    expect(request?.headers['idempotency-key']).toBe(`order:${ORDER}:charge`);
    expect(request?.body).toEqual(charge);
  });

  it('when the first attempt gets 503 and the retry captures, then both attempts used the same key', async () => {
    let calls = 0;
    server.on('POST /v1/payments', (_req, res) =>
      ++calls === 1 ? problem(res, 503, 'HTTP.UNAVAILABLE', 'blip') : captured(res),
    );

    const result = await new PaymentHttpAdapter(clientOf('payment')).charge(charge);

    expect(result.kind).toBe('captured');
    const keys = server.received('POST', '/v1/payments').map((r) => r.headers['idempotency-key']);
    expect(keys).toEqual([`order:${ORDER}:charge`, `order:${ORDER}:charge`]);
  });

  it('when payment declines with 402, then the result is declined with the decline code', async () => {
    server.on('POST /v1/payments', (_req, res) =>
      problem(res, 402, 'PAYMENT.DECLINED', 'declined', { declineCode: 'card_declined' }),
    );

    const result = await new PaymentHttpAdapter(clientOf('payment')).charge(charge);

    expect(result).toEqual({ kind: 'declined', declineCode: 'card_declined' });
  });

  it('when the provider is unavailable (503 PAYMENT.PROVIDER_UNAVAILABLE), then nothing was charged', async () => {
    server.on('POST /v1/payments', (_req, res) =>
      problem(res, 503, 'PAYMENT.PROVIDER_UNAVAILABLE', 'provider down'),
    );

    const result = await new PaymentHttpAdapter(clientOf('payment')).charge(charge);

    expect(result.kind).toBe('not_charged');
  });

  it('when payment sheds every attempt (503 + x-retry: no), then nothing was charged', async () => {
    server.on('POST /v1/payments', (_req, res) =>
      problem(
        res,
        503,
        'RESILIENCE.LOAD_SHED',
        'overloaded',
        {},
        { 'x-retry': 'no', 'retry-after': '1' },
      ),
    );

    const result = await new PaymentHttpAdapter(clientOf('payment')).charge(charge);

    expect(result.kind).toBe('not_charged');
    expect(server.received('POST', '/v1/payments')).toHaveLength(1);
  });

  it('when the charge times out, then its outcome is unknown', async () => {
    server.on('POST /v1/payments', async (_req, res) => {
      await sleep(1_000);
      captured(res);
    });

    const result = await new PaymentHttpAdapter(clientOf('payment')).charge(charge);

    expect(result.kind).toBe('unknown');
  });

  it('when the first attempt timed out and the retry was rate limited, then the outcome is still unknown', async () => {
    let calls = 0;
    server.on('POST /v1/payments', async (_req, res) => {
      if (++calls === 1) {
        await sleep(1_000);
        return captured(res);
      }
      problem(res, 429, 'RESILIENCE.RATE_LIMITED', 'slow down');
    });

    const result = await new PaymentHttpAdapter(clientOf('payment')).charge(charge);

    expect(calls).toBe(2);
    expect(result.kind).toBe('unknown');
  });

  it('when the breaker is open, then the charge is refused at once without reaching payment: not charged, fast', async () => {
    // Arrange: trip the breaker with failures
    server.on('POST /v1/payments', (_req, res) => problem(res, 500, 'HTTP.INTERNAL', 'boom'));
    const adapter = new PaymentHttpAdapter(
      clientOf('payment', { breaker: { minimumNumberOfCalls: 3 }, retry: { maxAttempts: 1 } }),
    );
    for (let i = 0; i < 3; i++) await adapter.charge(charge);
    const sent = server.requests.length;
    const started = Date.now();

    // Act
    const result = await runWithDeadline(Date.now() + 3_000, () => adapter.charge(charge));

    // Assert
    expect(result).toMatchObject({
      kind: 'not_charged',
      cause: { code: 'RESILIENCE.CIRCUIT_OPEN' },
    });
    expect(server.requests.length).toBe(sent);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it("when payments of an order are listed and refunded, then the refund carries the order's refund key", async () => {
    server.on('GET /v1/payments', (req, res) =>
      json(res, 200, {
        items: [
          {
            paymentId: 'pay-1',
            orderId: req.query.get('orderId'),
            status: 'CAPTURED',
            amount: 1,
            currency: 'EUR',
            createdAt: '2026-01-01T00:00:00Z',
          },
        ],
      }),
    );
    server.on('POST /v1/payments/:paymentId/refund', (req, res) =>
      json(res, 200, { paymentId: req.params.paymentId, status: 'REFUNDED' }),
    );
    const adapter = new PaymentHttpAdapter(clientOf('payment'));

    const payments = await adapter.paymentsOf(ORDER);
    await adapter.refund(ORDER, 'pay-1');

    expect(payments).toEqual([{ paymentId: 'pay-1', status: 'CAPTURED' }]);
    expect(server.received('GET', '/v1/payments')[0]?.query.get('orderId')).toBe(ORDER);
    const [refund] = server.received('POST', '/v1/payments/pay-1/refund');
    expect(refund?.headers['idempotency-key']).toBe(`order:${ORDER}:refund`);
  });

  it('when a refund is refused (409 PAYMENT.NOT_REFUNDABLE), then the refund rejects', async () => {
    server.on('POST /v1/payments/:paymentId/refund', (_req, res) =>
      problem(res, 409, 'PAYMENT.NOT_REFUNDABLE', 'failed payment'),
    );

    await expect(
      new PaymentHttpAdapter(clientOf('payment')).refund(ORDER, 'p'),
    ).rejects.toMatchObject({
      status: 409,
    });
  });
});

describe('recommendation adapter (GET /v1/recommendations)', () => {
  const options = { limit: 4, fallbackSkus: ['MUG', 'BEST-1', 'BEST-2'], registry: new Registry() };

  it('when the service answers, then its SKUs come back, not degraded', async () => {
    server.on('GET /v1/recommendations', (req, res) =>
      json(res, 200, { skus: ['REC-1'], source: 'model', asked: req.query.get('skus') }),
    );

    const recs = await new RecommendationHttpAdapter(
      clientOf('recommendations'),
      options,
    ).recommend(['MUG', 'TEA']);

    expect(recs).toEqual({ skus: ['REC-1'], degraded: false });
    const [request] = server.received('GET', '/v1/recommendations');
    expect(request?.query.get('skus')).toBe('MUG,TEA');
    expect(request?.query.get('limit')).toBe('4');
  });

  it('when the service is slower than 150 ms, then the static best-sellers answer at once, without the ordered SKUs', async () => {
    server.on('GET /v1/recommendations', async (_req, res) => {
      await sleep(1_000);
      json(res, 200, { skus: ['LATE'], source: 'model' });
    });
    const started = Date.now();

    const recs = await new RecommendationHttpAdapter(
      clientOf('recommendations'),
      options,
    ).recommend(['MUG']);

    expect(recs).toEqual({ skus: ['BEST-1', 'BEST-2'], degraded: true });
    expect(Date.now() - started).toBeLessThan(400);
    expect(server.received('GET', '/v1/recommendations')).toHaveLength(1); // no retry
  });

  it('when the service fails, then the fallback is counted in resilience_fallback_total', async () => {
    server.on('GET /v1/recommendations', (_req, res) => problem(res, 500, 'HTTP.INTERNAL', 'boom'));
    const registry = new Registry();

    const recs = await new RecommendationHttpAdapter(clientOf('recommendations'), {
      ...options,
      registry,
    }).recommend([]);

    expect(recs.degraded).toBe(true);
    expect(await registry.getSingleMetricAsString('resilience_fallback_total')).toContain(
      'dependency="recommendations",reason="http_5xx"} 1',
    );
  });
});

describe('fault-injecting transport', () => {
  it('when a dependency error is injected, then the adapter sees that HTTP status as if the dependency sent it', async () => {
    server.on('GET /v1/products/:sku', (_req, res) => json(res, 200, {}));
    const injector = new FaultInjector({
      rules: [
        {
          id: 'inv-503',
          target: 'dependency',
          name: 'inventory',
          probability: 1,
          enabled: true,
          fault: { kind: 'error', status: 503 },
        },
      ],
      registry: new Registry(),
    });
    const transport = faultInjectingFetch(injector, 'inventory');

    const error = await new CatalogHttpAdapter(
      clientOf('inventory', { retry: { maxAttempts: 1 } }, server.url, transport),
    )
      .priceOf('MUG')
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ status: 503, code: 'RESILIENCE.DEPENDENCY_HTTP_ERROR' });
    expect(server.requests).toHaveLength(0);
  });

  it('when a connection reset is injected into a charge, then its outcome is unknown (the request may have left)', async () => {
    const injector = new FaultInjector({
      rules: [
        {
          id: 'pay-reset',
          target: 'dependency',
          name: 'payment',
          probability: 1,
          enabled: true,
          fault: { kind: 'abort' },
        },
      ],
      registry: new Registry(),
    });
    const transport = faultInjectingFetch(injector, 'payment');
    const adapter = new PaymentHttpAdapter(clientOf('payment', {}, server.url, transport));

    const result = await adapter.charge({ orderId: ORDER, amount: 1, currency: 'EUR', token: 't' });

    expect(result.kind).toBe('unknown');
  });
});
