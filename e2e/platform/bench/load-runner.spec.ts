import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LoadRunner } from './load-runner';

// A loopback server standing in for checkout: it counts the connections it accepted and the
// paths asked, and answers after 20 ms (so concurrent requests overlap).
let server: Server;
let origin: string;
let connections: number;
let paths: string[];
let runner: LoadRunner;

beforeEach(async () => {
  connections = 0;
  paths = [];
  server = createServer((req, res) => {
    paths.push(req.url ?? '');
    setTimeout(() => res.writeHead(200).end('ok'), 20);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  runner = new LoadRunner({
    origin,
    next: () => ({ path: '/v1/checkout', headers: {}, body: {} }),
    okStatus: 201,
    timeoutMs: 5_000,
    sloMs: 1_000,
    warmPath: '/health/live',
  });
});

afterEach(async () => {
  await runner.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('load runner', () => {
  it('when a step needs more connections than the pool holds, then they are opened ahead of it with the cheap route', async () => {
    expect(runner.connected()).toBe(0);

    await runner.openConnections(40);

    expect(connections).toBe(40);
    expect(runner.connected()).toBe(40);
    expect(new Set(paths)).toEqual(new Set(['/health/live']));
  });

  it('when the pool already holds enough connections, then none is opened', async () => {
    await runner.openConnections(30);
    paths = [];

    await runner.openConnections(20);
    await runner.openConnections(30);

    expect(connections).toBe(30);
    expect(paths).toEqual([]);
  });

  it('when the pool holds some, then it grows to at least the count asked', async () => {
    await runner.openConnections(10);

    await runner.openConnections(25);

    // The pool hands requests to its free connections first; one that finds them all busy opens
    // another, so it may end a few above the count (undici decides), never below it.
    expect(runner.connected()).toBeGreaterThanOrEqual(25);
    expect(connections).toBe(runner.connected());
  });
});
