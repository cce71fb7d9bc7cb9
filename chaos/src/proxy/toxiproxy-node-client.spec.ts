import { connect, createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Toxiproxy } from 'toxiproxy-node-client';
import { FaultProxyServer } from './proxy-api';

/** One request/answer round trip through `port`: the answer, or the error code, and the time. */
function roundTrip(
  port: number,
  timeoutMs = 1_500,
): Promise<{ answer?: string; error?: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const done = (r: { answer?: string; error?: string }) => {
      s.destroy();
      resolve({ ...r, ms: performance.now() - started });
    };
    s.setTimeout(timeoutMs, () => done({ error: 'timeout' }));
    s.once('connect', () => s.write('ping'));
    s.once('data', (d: Buffer) => done({ answer: d.toString() }));
    s.once('error', (e: NodeJS.ErrnoException) => done({ error: e.code }));
  });
}

// The public toxiproxy client (toxiproxy-node-client) drives this fault proxy as it drives
// toxiproxy: same paths, names, fields and answers.
describe('fault proxy driven by toxiproxy-node-client', () => {
  let api: FaultProxyServer;
  let upstream: Server;
  let toxiproxy: Toxiproxy;

  beforeEach(async () => {
    upstream = createServer((s) => s.on('data', (d: Buffer) => s.write(`pong:${d.toString()}`)));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    api = new FaultProxyServer();
    toxiproxy = new Toxiproxy(await api.listen());
  });

  afterEach(async () => {
    await api.close();
    await new Promise<void>((r) => upstream.close(() => r()));
  });

  it('when the client creates a proxy, adds, updates and removes a latency toxic, and takes the proxy down and up, then the traffic follows', async () => {
    const upstreamPort = (upstream.address() as AddressInfo).port;
    const proxy = await toxiproxy.createProxy({
      name: 'svc',
      listen: 'localhost:0',
      upstream: `127.0.0.1:${upstreamPort}`,
    });
    const port = Number(proxy.listen.split(':')[1]);
    expect((await roundTrip(port)).answer).toBe('pong:ping');

    const toxic = await proxy.addToxic<{ latency: number; jitter: number }>({
      name: 'slow',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 200, jitter: 0 },
    });
    expect(toxic.attributes).toEqual({ latency: 200, jitter: 0 });
    expect((await roundTrip(port)).ms).toBeGreaterThanOrEqual(180);

    const updated = await toxic.update({
      name: 'slow',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 0, jitter: 0 },
    });
    expect(updated.attributes.latency).toBe(0);
    await updated.remove();
    expect(api.list().svc!.toxics).toEqual([]);
    expect((await toxiproxy.get('svc')).enabled).toBe(true);

    const down = await proxy.update({
      enabled: false,
      listen: proxy.listen,
      upstream: proxy.upstream,
    });
    expect(down.enabled).toBe(false);
    expect((await roundTrip(port)).error).toBe('ECONNREFUSED');
    await toxiproxy.reset();
    expect((await roundTrip(port)).answer).toBe('pong:ping');
  });

  it('when the client populates proxies, lists them and asks the version, then the answers have toxiproxy shape', async () => {
    const proxies = await toxiproxy.populate([
      { name: 'a', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' },
      { name: 'b', listen: '127.0.0.1:0', upstream: '127.0.0.1:2', enabled: false },
    ]);
    expect(Object.keys(proxies).sort()).toEqual(['a', 'b']);
    const all = await toxiproxy.getAll();
    expect(all.b!.enabled).toBe(false);
    expect(await toxiproxy.getVersion()).toMatch(/^\d+\.\d+/);
  });
});
