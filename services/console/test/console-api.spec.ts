import 'reflect-metadata';
import { bootstrapService, type RunningService } from '@rc/platform';
import { ConsoleModule } from '../src/console.module';
import { consoleConfigSchema } from '../src/config/console.config';
import { fakeCustomerToken } from './support/fake-customer-token';
import { serviceUrlsAt, StubPlatform } from './support/stub-platform';

// The console's backend-for-frontend started in process on a free port, its six services
// played by one stub HTTP server: relaying, fallbacks, admin actions and refusals over real HTTP.
describe('console API', () => {
  const stub = new StubPlatform();
  const logs: string[] = [];
  let svc: RunningService<unknown>;
  const TOKEN = 'the-operators-admin-token';
  const CUSTOMERS = [
    { customerId: 'customer-a1', token: fakeCustomerToken('customer-a1') },
    { customerId: 'customer-b2', token: fakeCustomerToken('customer-b2') },
  ];

  beforeAll(async () => {
    await stub.start();
    const urls = serviceUrlsAt(stub.url);
    svc = await bootstrapService({
      module: ConsoleModule,
      schema: consoleConfigSchema,
      env: {
        PORT: '0',
        LOG_LEVEL: 'debug',
        LOAD_MAX_RATE: '5',
        STATIC_DIR: '/nonexistent',
        CONSOLE_CREDENTIALS_FILE: '/nonexistent/credentials.json',
        CONSOLE_CUSTOMER_TOKENS: JSON.stringify(CUSTOMERS),
        ...urls,
      },
      logSink: (line) => void logs.push(line),
      handleSignals: false,
    });
  });
  afterAll(async () => {
    await svc.shutdown('test');
    await stub.stop();
  });
  beforeEach(() => (stub.requests.length = 0));

  const api = (path: string, init: RequestInit = {}) => fetch(`${svc.url}${path}`, init);

  it('when checkout answers a 402 problem, then the console relays its status, type and body as they are', async () => {
    const problem = {
      title: 'Payment Required',
      detail: 'The payment was declined.',
      status: 402,
      code: 'CHECKOUT.PAYMENT_DECLINED',
    };
    stub.route('POST', '/v1/checkout', {
      status: 402,
      body: problem,
      headers: { 'content-type': 'application/problem+json' },
    });

    const res = await api('/api/shop/checkout', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': 'k-1',
        'x-customer-id': 'customer-b2',
      },
      body: JSON.stringify({
        items: [{ sku: 'A', quantity: 1 }],
        payment: { token: 'tok_declined' },
      }),
    });

    expect(res.status).toBe(402);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toEqual(problem);
    expect(stub.requests[0]!.headers['idempotency-key']).toBe('k-1');
  });

  it('when the page names a customer, then cart, checkout and order calls carry that customer’s token, the name stays here, and no token is logged', async () => {
    stub.route('GET', '/v1/carts/web-1', { status: 200, body: { items: [] } });
    stub.route('POST', '/v1/carts/web-1/items', { status: 200, body: { items: [] } });
    stub.route('DELETE', '/v1/carts/web-1/items/A', { status: 200, body: { items: [] } });
    stub.route('POST', '/v1/checkout', { status: 201, body: { orderId: 'o-1' } });
    stub.route('GET', '/v1/orders/o-1', { status: 200, body: { orderId: 'o-1' } });
    const as = (customerId: string, init: RequestInit = {}) => ({
      ...init,
      headers: {
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        'x-customer-id': customerId,
      },
    });

    const answers = await Promise.all([
      api('/api/shop/carts/web-1', as('customer-a1')),
      api('/api/shop/carts/web-1/items', as('customer-a1', { method: 'POST', body: '{}' })),
      api('/api/shop/carts/web-1/items/A', as('customer-a1', { method: 'DELETE' })),
      api('/api/shop/checkout', as('customer-b2', { method: 'POST', body: '{}' })),
      api('/api/shop/orders/o-1', as('customer-b2')),
    ]);

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 201, 200]);
    const bearerOf = (path: string, method = 'GET') =>
      stub.requests.find((r) => r.url === path && r.method === method)?.headers.authorization;
    expect(bearerOf('/v1/carts/web-1')).toBe(`Bearer ${CUSTOMERS[0]!.token}`);
    expect(bearerOf('/v1/carts/web-1/items', 'POST')).toBe(`Bearer ${CUSTOMERS[0]!.token}`);
    expect(bearerOf('/v1/carts/web-1/items/A', 'DELETE')).toBe(`Bearer ${CUSTOMERS[0]!.token}`);
    expect(bearerOf('/v1/checkout', 'POST')).toBe(`Bearer ${CUSTOMERS[1]!.token}`);
    expect(bearerOf('/v1/orders/o-1')).toBe(`Bearer ${CUSTOMERS[1]!.token}`);
    expect(stub.requests.every((r) => r.headers['x-customer-id'] === undefined)).toBe(true);
    for (const c of CUSTOMERS) expect(logs.join('\n')).not.toContain(c.token);
  });

  it('when the page asks for the customers, then it gets their ids and never a token', async () => {
    const res = await api('/api/shop/customers');
    const text = await res.text();

    expect(res.status).toBe(200);
    expect(JSON.parse(text)).toEqual({
      customers: [{ customerId: 'customer-a1' }, { customerId: 'customer-b2' }],
    });
    for (const c of CUSTOMERS) expect(text).not.toContain(c.token.split('.')[2]!);
  });

  it('when the page names an unknown customer, or none, then it is a 400 problem and nothing is sent', async () => {
    const unknown = await api('/api/shop/checkout', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-customer-id': 'someone-else' },
      body: '{}',
    });
    const none = await api('/api/shop/carts/web-1');

    expect([unknown.status, none.status]).toEqual([400, 400]);
    const body = (await unknown.json()) as { code: string; detail: string };
    expect(body.code).toBe('CONSOLE.UNKNOWN_CUSTOMER');
    expect(body.detail).toContain('customer-a1, customer-b2');
    expect(stub.requests).toHaveLength(0);
  });

  it('when recommendations fail, then the static best-sellers come back labelled x-degraded', async () => {
    stub.route('GET', '/v1/recommendations', { status: 503, body: { title: 'down' } });

    const res = await api('/api/shop/recommendations?skus=FUEL-CAN-230');

    expect(res.status).toBe(200);
    expect(res.headers.get('x-degraded')).toBe('recommendations');
    const body = (await res.json()) as { skus: string[]; source: string };
    expect(body.source).toBe('bestsellers');
    expect(body.skus).not.toContain('FUEL-CAN-230');
  });

  it('when nothing is in hand, then the best-sellers are the answer, not a degradation', async () => {
    const res = await api('/api/shop/recommendations');

    expect(res.headers.get('x-degraded')).toBeNull();
    expect(((await res.json()) as { source: string }).source).toBe('bestsellers');
    expect(stub.requests).toHaveLength(0);
  });

  it('when a service does not answer at all, then the page gets a 503 problem naming it', async () => {
    const res = await fetch(`${svc.url}/api/shop/carts/c-1`, {
      headers: { 'x-customer-id': 'customer-a1' },
    });
    // the stub answers 404 for an unset route: relayed as is
    expect(res.status).toBe(404);

    await stub.stop();
    try {
      const down = await api('/api/shop/products');
      const body = (await down.json()) as { code: string; detail: string };

      expect(down.status).toBe(503);
      expect(body.code).toBe('CONSOLE.UPSTREAM_UNAVAILABLE');
      expect(body.detail).toContain('inventory');
    } finally {
      await stub.start();
    }
  });

  it('when a preset is applied with the token, then the rules go to that service with the bearer and the token is never logged', async () => {
    const put: string[] = [];
    stub.route('GET', '/admin/faults', { status: 200, body: { rules: [] } });
    stub.route('PUT', '/admin/faults', (req) => {
      put.push(req.body);
      return { status: 200, body: JSON.parse(req.body) };
    });

    const res = await api('/api/control/presets/payment-slow', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });

    expect(res.status).toBe(201);
    expect(JSON.parse(put[0]!).rules[0]).toMatchObject({
      id: 'console-payment-slow',
      target: 'dependency',
      name: 'payment',
    });
    expect(stub.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(logs.join('\n')).not.toContain(TOKEN);
  });

  it('when "Kafka slow" and "Analytics behind" are applied, then checkout gets a publish rule and analytics a consume rule', async () => {
    // One stub plays every service: the rules sent tell the presets apart.
    const put: { rules: unknown[] }[] = [];
    stub.route('GET', '/admin/faults', { status: 200, body: { rules: [] } });
    stub.route('PUT', '/admin/faults', (req) => {
      put.push(JSON.parse(req.body) as { rules: unknown[] });
      return { status: 200, body: put.at(-1) };
    });
    const apply = (id: string) =>
      api(`/api/control/presets/${id}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      });

    const kafkaSlow = await apply('kafka-slow');
    const behind = await apply('analytics-behind');

    expect([kafkaSlow.status, behind.status]).toEqual([201, 201]);
    expect(put.map((p) => p.rules[0])).toEqual([
      expect.objectContaining({ id: 'console-kafka-slow', target: 'publish', name: 'orders' }),
      expect.objectContaining({ id: 'console-analytics-behind', target: 'consume', name: '*' }),
    ]);
  });

  it('when the console holds no admin token, then the presets say so', async () => {
    const res = await api('/api/control/presets');

    expect(((await res.json()) as { consoleAdminToken: boolean }).consoleAdminToken).toBe(false);
  });

  it('when a service refuses the token, or none is given, then the answer is 401 with a message to act on', async () => {
    stub.route('GET', '/admin/faults', { status: 401, body: { title: 'Unauthorized' } });

    const wrong = await api('/api/control/faults', {
      headers: { authorization: 'Bearer nope-nope-nope' },
    });
    const missing = await api('/api/control/presets/cart-down', { method: 'POST' });

    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { detail: string }).detail).toMatch(/refused by checkout/);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { detail: string }).detail).toMatch(/enter it first/);
  });

  it('when load above the ceiling is asked for, then it is refused and nothing is sent', async () => {
    const res = await api('/api/control/load', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ratePerSecond: 6 }),
    });

    expect(res.status).toBe(422);
    expect(((await res.json()) as { code: string }).code).toBe('CONSOLE.LOAD_RATE_REFUSED');
    expect(stub.requests.filter((r) => r.url === '/v1/checkout')).toHaveLength(0);
  });

  it('when an unknown API route is called, then it is a 404 problem, and the snapshot reads every service', async () => {
    stub.route('GET', '/metrics', {
      status: 200,
      body: 'resilience_circuit_breaker_state{dependency="payment"} 2\n',
      headers: { 'content-type': 'text/plain' },
    });
    stub.route('GET', '/health/ready', { status: 200, body: { status: 'up' } });

    const unknown = await api('/api/nothing-here');
    const snapshot = (await (await api('/api/control/snapshot')).json()) as {
      tiles: { name: string; health: string; breakers: unknown[] }[];
    };

    expect(unknown.status).toBe(404);
    expect(snapshot.tiles.map((t) => t.name)).toEqual([
      'checkout',
      'payment',
      'inventory',
      'cart',
      'recommendations',
      'analytics',
    ]);
    expect(snapshot.tiles[0]).toMatchObject({
      health: 'up',
      breakers: [{ dependency: 'payment', state: 'open' }],
    });
  });

  // Last: it shuts the console down.
  it('when the console shuts down with a control room open, then the event stream ends and the drain does not wait for it', async () => {
    const stream = await api('/api/control/stream');
    const reader = stream.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);

    const started = Date.now();
    await svc.shutdown('test');
    let ended = false;
    while (!ended) ended = (await reader.read()).done;

    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    expect(first).toContain('retry:');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
