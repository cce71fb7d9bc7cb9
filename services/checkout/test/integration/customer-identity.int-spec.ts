import { CustomerTokenIssuer, ServiceTokenSigner, servicePrivateKey } from '@rc/platform';
import { testServiceKeyPair } from '@rc/testing';
import { checkoutOrderId } from '../../src/domain/order-id';
import { startCheckoutApp, type CheckoutApp } from '../support/checkout-app';
import { FakePlatform } from '../support/fake-platform';

// Who may check out and read orders: the customer a verified bearer token names — never the
// body, a header or anything else a client chooses. Real checkout, real Postgres and Redis;
// the dependencies are fakes speaking their contracts.

let fake: FakePlatform;
let app: CheckoutApp;
let seq = 0;
const RATE_LIMIT = 4;

beforeAll(async () => {
  fake = await FakePlatform.start();
  app = await startCheckoutApp(fake.url, {
    RATE_LIMIT_PER_CLIENT_PER_SECOND: String(RATE_LIMIT),
  });
});

afterAll(async () => {
  await app?.stop();
  await fake?.close();
});

function order(customerId?: string) {
  return {
    ...(customerId === undefined ? {} : { customerId }),
    items: [{ sku: 'MUG', quantity: 1 }],
    payment: { token: 'tok_visa' },
  };
}

function key(): Record<string, string> {
  return { 'idempotency-key': `identity-${++seq}-${Date.now()}` };
}

async function ordersOf(customerId: string): Promise<number> {
  const { rows } = await app.db.pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM orders WHERE customer_id = $1',
    [customerId],
  );
  return Number(rows[0]!.n);
}

async function problemOf(res: Response): Promise<{ status: number; code: unknown; type: string }> {
  const body = (await res.json()) as { code?: unknown };
  return { status: res.status, code: body.code, type: res.headers.get('content-type') ?? '' };
}

describe('checkout: the customer is who the token says', () => {
  it('when no token is sent, then 401 AUTH.CREDENTIALS_REQUIRED and nothing is written', async () => {
    const res = await fetch(`${app.url}/v1/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...key() },
      body: JSON.stringify(order('anon-1')),
    });

    expect(await problemOf(res)).toEqual({
      status: 401,
      code: 'AUTH.CREDENTIALS_REQUIRED',
      type: expect.stringContaining('application/problem+json'),
    });
    expect(await ordersOf('anon-1')).toBe(0);
    expect(fake.server.received('POST', '/v1/payments')).toHaveLength(0);
  });

  it('when the token is signed by another key or expired, then 401 AUTH.TOKEN_INVALID with the reason', async () => {
    const forger = CustomerTokenIssuer.fromKeyPair(testServiceKeyPair());
    const expired = await app.customers.issue('late-1', 60, Date.now() - 3_600_000);
    const send = (authorization: string) =>
      fetch(`${app.url}/v1/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization, ...key() },
        body: JSON.stringify(order()),
      });

    const forged = await send((await forger.headersFor('late-1')).authorization);
    const old = await send(`Bearer ${expired}`);

    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({
      code: 'AUTH.TOKEN_INVALID',
      reason: 'unknown_key',
    });
    expect(old.status).toBe(401);
    expect(await old.json()).toMatchObject({ code: 'AUTH.TOKEN_INVALID', reason: 'expired' });
    expect(await ordersOf('late-1')).toBe(0);
  });

  it('when the body names another customer, then 403 AUTH.CUSTOMER_MISMATCH and nothing is written', async () => {
    const res = await app.checkout(order('victim-1'), {
      ...(await app.customers.headersFor('mallory-1')),
      ...key(),
    });

    expect(await problemOf(res)).toMatchObject({ status: 403, code: 'AUTH.CUSTOMER_MISMATCH' });
    expect(await ordersOf('victim-1')).toBe(0);
    expect(await ordersOf('mallory-1')).toBe(0);
  });

  it('when the body leaves the customer out, then the order is the signed-in customer’s, named by customer and key', async () => {
    const headers = key();
    const res = await app.checkout(order(), {
      ...(await app.customers.headersFor('alice-1')),
      ...headers,
    });

    expect(res.status).toBe(201);
    const { orderId } = (await res.json()) as { orderId: string };
    expect(orderId).toBe(checkoutOrderId('alice-1', headers['idempotency-key']!));
    expect(await ordersOf('alice-1')).toBe(1);
  });

  it('when another customer or inventory reads an order, then only its customer and the service see it', async () => {
    const res = await app.checkout(order('owner-1'), key());
    const { orderId } = (await res.json()) as { orderId: string };
    const inventory = new ServiceTokenSigner({
      issuer: 'inventory',
      key: servicePrivateKey(app.inventoryKey.privateKey),
    });

    const own = await app.getOrder(orderId, 'owner-1');
    const other = await app.getOrder(orderId, 'snoop-1');
    const service = await fetch(`${app.url}/v1/orders/${orderId}`, {
      headers: { authorization: await inventory.authorizationFor('checkout') },
    });
    const anonymous = await fetch(`${app.url}/v1/orders/${orderId}`);

    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ orderId, customerId: 'owner-1' });
    // Another customer's order does not exist for them: the same 404 as an unknown id.
    expect(await problemOf(other)).toMatchObject({ status: 404, code: 'CHECKOUT.ORDER_NOT_FOUND' });
    expect(service.status).toBe(200);
    expect(anonymous.status).toBe(401);
  });

  it('when a client rotates x-client-id, body fields and keys, then the rate limit still counts the one customer', async () => {
    const signedIn = await app.customers.headersFor('rotator-1');
    const statuses: number[] = [];
    // Sequential, well within one second: the bucket holds RATE_LIMIT tokens per second.
    for (let i = 0; i < RATE_LIMIT * 3; i++) {
      const res = await app.checkout(
        { ...order(), cartId: `rot-${i}` },
        { ...signedIn, 'x-client-id': `rotated-${i}`, ...key() },
      );
      statuses.push(res.status);
      await res.body?.cancel();
    }

    const limited = statuses.filter((s) => s === 429).length;
    const placed = statuses.filter((s) => s === 201).length;
    expect(limited).toBeGreaterThan(0);
    // Refill within the loop may admit a few more than the burst, never one per rotated id.
    expect(placed).toBeLessThan(statuses.length);
    expect(await ordersOf('rotator-1')).toBe(placed);
  });
});
