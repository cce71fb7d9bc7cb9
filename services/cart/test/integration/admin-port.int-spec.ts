import { closedPort, sendJson } from '@rc/testing';
import { startCart, type StartedCart } from '../support/start-cart';

const TOKEN = 'test-admin-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

/** One route rule of `kind` (never firing: probability 0 — only whether it is accepted matters). */
const ruleOf = (id: string, fault: Record<string, unknown>) => ({
  id,
  target: 'route',
  name: 'GET /v1/carts/:cartId',
  probability: 0,
  enabled: true,
  fault,
});
const latency = ruleOf('slow', { kind: 'latency', ms: 10 });
const cpu = ruleOf('burn', { kind: 'cpu', durationMs: 10 });
const exit = ruleOf('crash', { kind: 'exit', exitCode: 137 });

// The fault admin API of a real service (cart, on the real Redis; Kafka a closed port): on its
// own port, behind the bearer token, and refusing the process-wide faults unless allowed.
describe('the admin API on its own port (cart in-process)', () => {
  let cart: StartedCart;

  beforeAll(async () => {
    cart = await startCart({ KAFKA_BROKERS: `127.0.0.1:${await closedPort()}` });
  });

  afterAll(async () => {
    await cart?.stop();
  });

  afterEach(async () => {
    await sendJson(cart.adminUrl, 'DELETE', '/admin/faults', undefined, auth);
  });

  const admin = (method: string, body?: unknown, headers: Record<string, string> = auth) =>
    sendJson(cart.adminUrl, method, '/admin/faults', body, headers);

  it('when /admin/faults is called on the admin port with the token, then it answers there', async () => {
    // Act
    const put = await admin('PUT', { rules: [latency] });
    const get = await admin('GET');

    // Assert
    expect(new URL(cart.adminUrl).hostname).toBe('127.0.0.1');
    expect(new URL(cart.adminUrl).port).not.toBe(new URL(cart.url).port);
    expect(put.status).toBe(200);
    expect(await get.json()).toEqual({ rules: [latency] });
  });

  it('when /admin/faults is called on the admin port without the token or with a wrong one, then 401', async () => {
    // Act
    const anonymous = await admin('GET', undefined, {});
    const wrong = await admin('PUT', { rules: [latency] }, { authorization: 'Bearer not-it' });

    // Assert
    expect(anonymous.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(await (await admin('GET')).json()).toEqual({ rules: [] });
  });

  it.each(['GET', 'PUT', 'DELETE'])(
    'when /admin/faults is called with %s on the public port, even with the token, then it is a problem+json 404',
    async (method) => {
      // Act
      const res = await sendJson(
        cart.url,
        method,
        '/admin/faults',
        method === 'PUT' ? { rules: [latency] } : undefined,
        auth,
      );

      // Assert
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject({ status: 404, code: 'HTTP.NOT_FOUND' });
      expect(await (await admin('GET')).json()).toEqual({ rules: [] });
    },
  );

  it.each([
    ['cpu', cpu],
    ['exit', exit],
  ])(
    'when a %s rule is sent without ALLOW_DESTRUCTIVE_FAULTS, then 403 problem+json and the rules stay as they were',
    async (_kind, rule) => {
      // Arrange
      await admin('PUT', { rules: [latency] });

      // Act
      const res = await admin('PUT', { rules: [latency, rule] });

      // Assert
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await res.json()) as { code: string; detail: string };
      expect(problem.code).toBe('FAULT_INJECTION.DESTRUCTIVE_REFUSED');
      expect(problem.detail).toContain('ALLOW_DESTRUCTIVE_FAULTS=true');
      expect(await (await admin('GET')).json()).toEqual({ rules: [latency] });
    },
  );

  it('when ALLOW_DESTRUCTIVE_FAULTS=true, then cpu and exit rules are accepted', async () => {
    // Arrange
    const allowing = await startCart({
      KAFKA_BROKERS: `127.0.0.1:${await closedPort()}`,
      ALLOW_DESTRUCTIVE_FAULTS: 'true',
    });
    try {
      // Act
      const res = await sendJson(
        allowing.adminUrl,
        'PUT',
        '/admin/faults',
        { rules: [cpu, exit] },
        auth,
      );

      // Assert
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ rules: [cpu, exit] });
    } finally {
      await allowing.stop();
    }
  });
});
