import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapService, ConfigError, type RunningService } from '@rc/platform';
import { consoleConfigSchema } from '../src/config/console.config';
import { ConsoleModule } from '../src/console.module';
import { fakeCustomerToken } from './support/fake-customer-token';
import { serviceUrlsAt, StubPlatform } from './support/stub-platform';

// Where the console's customers and admin token come from: the credentials file `npm start`
// writes, none at all, or a file that is there but malformed.
describe('console credentials', () => {
  const stub = new StubPlatform();
  const dir = mkdtempSync(join(tmpdir(), 'rc-console-credentials-'));
  const running: RunningService<unknown>[] = [];
  const logs: string[] = [];

  const start = async (env: Record<string, string>) => {
    const urls = serviceUrlsAt(stub.url);
    const svc = await bootstrapService({
      module: ConsoleModule,
      schema: consoleConfigSchema,
      env: { PORT: '0', LOG_LEVEL: 'debug', STATIC_DIR: '/nonexistent', ...urls, ...env },
      logSink: (line) => void logs.push(line),
      handleSignals: false,
    });
    running.push(svc);
    return svc;
  };

  beforeAll(() => stub.start());
  afterAll(async () => {
    for (const svc of running) await svc.shutdown('test');
    await stub.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => (stub.requests.length = 0));

  it('when the credentials file names customers and an admin token, then the shop acts as them and admin actions from this machine need no typed token', async () => {
    const customers = ['customer-1a2b3c4d', 'customer-5e6f7a8b', 'customer-9c0d1e2f'].map(
      (customerId) => ({ customerId, token: fakeCustomerToken(customerId) }),
    );
    const adminToken = 'admin-token-from-the-credentials-file';
    const file = join(dir, 'credentials.json');
    writeFileSync(
      file,
      JSON.stringify({ customers, adminToken, expiresAt: '2099-01-01T00:00:00.000Z' }),
    );
    stub.route('POST', '/v1/checkout', { status: 201, body: { orderId: 'o-1' } });
    stub.route('DELETE', '/admin/faults', { status: 204 });
    const svc = await start({ CONSOLE_CREDENTIALS_FILE: file });

    const list = (await (await fetch(`${svc.url}/api/shop/customers`)).json()) as {
      customers: { customerId: string }[];
    };
    const order = await fetch(`${svc.url}/api/shop/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-customer-id': 'customer-5e6f7a8b' },
      body: JSON.stringify({ items: [{ sku: 'A', quantity: 1 }], payment: { token: 'tok_visa' } }),
    });
    const presets = (await (await fetch(`${svc.url}/api/control/presets`)).json()) as {
      consoleAdminToken: boolean;
    };
    const restored = await fetch(`${svc.url}/api/control/faults`, { method: 'DELETE' });

    expect(list.customers.map((c) => c.customerId)).toEqual(customers.map((c) => c.customerId));
    expect(order.status).toBe(201);
    expect(stub.requests[0]!.headers.authorization).toBe(`Bearer ${customers[1]!.token}`);
    expect(presets.consoleAdminToken).toBe(true);
    expect(restored.status).toBe(204);
    const adminCalls = stub.requests.filter((r) => r.url === '/admin/faults');
    expect(adminCalls).toHaveLength(6);
    expect(adminCalls.every((r) => r.headers.authorization === `Bearer ${adminToken}`)).toBe(true);
    const logged = logs.join('\n');
    expect(logged).not.toContain(adminToken);
    for (const c of customers) expect(logged).not.toContain(c.token);
  });

  it('when the console has no customer credentials, then the shop and the load say how to give it some', async () => {
    const svc = await start({ CONSOLE_CREDENTIALS_FILE: join(dir, 'missing.json') });

    const customers = await fetch(`${svc.url}/api/shop/customers`);
    const checkout = await fetch(`${svc.url}/api/shop/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-customer-id': 'customer-1a2b3c4d' },
      body: '{}',
    });
    const load = await fetch(`${svc.url}/api/control/load`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ratePerSecond: 1 }),
    });

    for (const res of [customers, checkout, load]) {
      const problem = (await res.json()) as { code: string; detail: string };
      expect(res.status).toBe(503);
      expect(problem.code).toBe('CONSOLE.NO_CUSTOMER_CREDENTIALS');
      expect(problem.detail).toMatch(
        /no customer credentials: run npm start \(it writes \.dev\/credentials\.json\) or set CONSOLE_CREDENTIALS_FILE or CONSOLE_CUSTOMER_TOKENS/,
      );
    }
    expect(stub.requests.filter((r) => r.url.startsWith('/v1/'))).toHaveLength(0);
  });

  it('when the credentials file is there but malformed, then the console refuses to start, naming the key and the file', async () => {
    const token = fakeCustomerToken('customer-1a2b3c4d');
    const file = join(dir, 'broken.json');
    writeFileSync(file, `{"customers":[{"customerId":"customer-1a2b3c4d","token":"${token}"}`);

    const refusal = await start({ CONSOLE_CREDENTIALS_FILE: file }).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(refusal).toBeInstanceOf(ConfigError);
    expect((refusal as Error).message).toContain('CONSOLE_CREDENTIALS_FILE: malformed:');
    expect((refusal as Error).message).toContain('broken.json is not readable JSON');
    expect((refusal as Error).message).not.toContain(token.split('.')[2]!);
  });
});
