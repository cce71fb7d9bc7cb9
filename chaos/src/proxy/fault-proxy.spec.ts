import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { FaultProxyServer } from './proxy-api';
import { ToxiproxyClient } from './toxiproxy-client';

/** An upstream that echoes what it receives and counts the bytes. */
async function echoServer(): Promise<{ server: Server; port: number; received: () => number }> {
  let received = 0;
  const server = createServer((s) => {
    s.on('data', (d: Buffer) => {
      received += d.length;
      s.write(d);
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port, received: () => received };
}

/** A client connection that records what it got, in how many chunks, and how it ended. */
function client(port: number) {
  const socket: Socket = connect({ host: '127.0.0.1', port, noDelay: true });
  const got: Buffer[] = [];
  let firstByteAt = 0;
  const started = performance.now();
  const ended = new Promise<{ error?: string; ms: number }>((resolve) => {
    socket.on('data', (d: Buffer) => {
      firstByteAt ||= performance.now() - started;
      got.push(d);
    });
    socket.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ error: e.code, ms: performance.now() - started }),
    );
    socket.on('close', () => resolve({ ms: performance.now() - started }));
  });
  const connected = new Promise<void>((r) => socket.once('connect', () => r()));
  return {
    socket,
    connected,
    ended,
    bytes: () => Buffer.concat(got),
    chunks: () => got.length,
    firstByteMs: () => firstByteAt,
    /** Resolves once `n` bytes arrived (or rejects after `ms`). */
    async waitFor(n: number, ms = 3_000): Promise<number> {
      const deadline = performance.now() + ms;
      while (Buffer.concat(got).length < n) {
        if (performance.now() > deadline) throw new Error(`got ${Buffer.concat(got).length}/${n}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      return performance.now() - started;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fault proxy (toxiproxy API over real sockets)', () => {
  let upstream: Awaited<ReturnType<typeof echoServer>>;
  let api: FaultProxyServer;
  let toxiproxy: ToxiproxyClient;
  let port: number;
  const clients: Socket[] = [];

  beforeEach(async () => {
    upstream = await echoServer();
    api = new FaultProxyServer();
    toxiproxy = new ToxiproxyClient(await api.listen());
    const created = await api.createProxy({
      name: 'echo',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${upstream.port}`,
    });
    port = Number(created.listen.split(':')[1]);
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await api.close();
    await new Promise<void>((r) => upstream.server.close(() => r()));
  });

  const open = () => {
    const c = client(port);
    clients.push(c.socket);
    return c;
  };

  it('when no toxic is set, then bytes go through both ways unchanged', async () => {
    const c = open();
    c.socket.write('hello');
    await c.waitFor(5);
    expect(c.bytes().toString()).toBe('hello');
  });

  it('when a latency toxic is added, then the answer arrives no sooner than the latency, within the jitter', async () => {
    await toxiproxy.addToxic('echo', { type: 'latency', attributes: { latency: 150, jitter: 20 } });
    const c = open();
    await c.connected;
    const sent = performance.now();
    c.socket.write('ping');
    await c.waitFor(4);
    const ms = performance.now() - sent;
    expect(ms).toBeGreaterThanOrEqual(125);
    expect(ms).toBeLessThan(400);
  });

  it('when several chunks arrive together under a latency toxic, then they leave together (latencies do not add up)', async () => {
    await toxiproxy.addToxic('echo', { type: 'latency', attributes: { latency: 150 } });
    const c = open();
    await c.connected;
    const sent = performance.now();
    for (let i = 0; i < 5; i++) c.socket.write(Buffer.alloc(10, i));
    await c.waitFor(50);
    expect(performance.now() - sent).toBeLessThan(400);
  });

  it('when a bandwidth toxic limits to 20 KB/s, then 10 kB take about half a second', async () => {
    await toxiproxy.addToxic('echo', { type: 'bandwidth', attributes: { rate: 20 } });
    const c = open();
    await c.connected;
    const sent = performance.now();
    c.socket.write(Buffer.alloc(10_000, 1));
    await c.waitFor(10_000, 5_000);
    expect(performance.now() - sent).toBeGreaterThanOrEqual(400);
  });

  it('when a downstream timeout 0 (blackhole) is set, then the request reaches the upstream but no answer comes back until the toxic is removed', async () => {
    await toxiproxy.addToxic('echo', { type: 'timeout', attributes: { timeout: 0 } });
    const c = open();
    c.socket.write('charge');
    await sleep(300);
    expect(upstream.received()).toBe(6);
    expect(c.bytes().length).toBe(0);

    await toxiproxy.removeToxic('echo', 'timeout_downstream');
    await c.waitFor(6);
    expect(c.bytes().toString()).toBe('charge');
  });

  it('when a timeout toxic of 200 ms is set, then nothing passes and the connection closes after it', async () => {
    await toxiproxy.addToxic('echo', {
      type: 'timeout',
      stream: 'upstream',
      attributes: { timeout: 200 },
    });
    const c = open();
    c.socket.write('lost');
    const end = await c.ended;
    expect(end.ms).toBeGreaterThanOrEqual(180);
    expect(upstream.received()).toBe(0);
  });

  it('when reset_peer is set, then the client sees its connection reset', async () => {
    await toxiproxy.addToxic('echo', { type: 'reset_peer', attributes: { timeout: 50 } });
    const c = open();
    const end = await c.ended;
    expect(end.error).toBe('ECONNRESET');
  });

  it('when a slicer is set, then one write arrives as several small chunks', async () => {
    await toxiproxy.addToxic('echo', {
      type: 'slicer',
      attributes: { average_size: 10, size_variation: 5, delay: 2_000 },
    });
    const c = open();
    c.socket.write(Buffer.alloc(200, 7));
    await c.waitFor(200);
    expect(c.bytes().equals(Buffer.alloc(200, 7))).toBe(true);
    expect(c.chunks()).toBeGreaterThan(5);
  });

  it('when limit_data is 10 bytes, then exactly 10 bytes arrive and the connection closes', async () => {
    await toxiproxy.addToxic('echo', { type: 'limit_data', attributes: { bytes: 10 } });
    const c = open();
    c.socket.write(Buffer.alloc(50, 3));
    await c.ended;
    expect(c.bytes().length).toBe(10);
  });

  it('when slow_close is set, then the close reaches the client only after the delay', async () => {
    await toxiproxy.addToxic('echo', { type: 'slow_close', attributes: { delay: 200 } });
    const c = open();
    await c.connected;
    const sent = performance.now();
    c.socket.end('bye');
    await c.ended;
    expect(performance.now() - sent).toBeGreaterThanOrEqual(180);
  });

  it('when a proxy is disabled ("down"), then connections are refused; when enabled again, they pass', async () => {
    const live = open();
    await live.connected;
    await toxiproxy.setEnabled('echo', false);
    expect((await live.ended).ms).toBeGreaterThan(0);
    const refused = open();
    expect((await refused.ended).error).toBe('ECONNREFUSED');

    await toxiproxy.setEnabled('echo', true);
    const again = open();
    again.socket.write('up');
    await again.waitFor(2);
  });

  it('when a toxic has toxicity 0, then it never applies', async () => {
    await toxiproxy.addToxic('echo', {
      type: 'timeout',
      toxicity: 0,
      attributes: { timeout: 0 },
    });
    const c = open();
    c.socket.write('free');
    await c.waitFor(4);
    expect(c.bytes().toString()).toBe('free');
  });

  it('when reset is posted, then every toxic is gone and every proxy enabled', async () => {
    await toxiproxy.addToxic('echo', { type: 'latency', attributes: { latency: 10 } });
    await toxiproxy.setEnabled('echo', false);
    await toxiproxy.reset();
    const proxies = await toxiproxy.proxies();
    expect(proxies.echo).toMatchObject({ enabled: true, toxics: [] });
  });
});
