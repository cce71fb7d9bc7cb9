import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { closedPort } from '@rc/testing';
import { createKeepAliveFetch } from './keep-alive-fetch';

interface Seen {
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP server counting the TCP connections it accepted. */
async function startServer(delayMs = 0) {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', headers: req.headers, body });
      setTimeout(() => {
        res.writeHead(req.url === '/missing' ? 404 : 200, {
          'content-type': 'application/json',
          'retry-after': '2',
        });
        res.end(JSON.stringify({ echo: body, path: req.url }));
      }, delayMs).unref();
    });
  });
  server.on('connection', (socket: Socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    connections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('createKeepAliveFetch', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  afterEach(async () => server?.close());

  it('when a JSON body is posted, then the method, headers and body arrive and the answer reads like a Response', async () => {
    server = await startServer();
    const send = createKeepAliveFetch();

    const res = await send(`${server.url}/v1/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-client-id': 'checkout' },
      body: '{"a":"é"}',
    });

    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('x-absent')).toBeNull();
    expect(JSON.parse(await res.text())).toEqual({ echo: '{"a":"é"}', path: '/v1/things' });
    expect(server.seen[0]).toMatchObject({ method: 'POST', body: '{"a":"é"}' });
    expect(server.seen[0]!.headers['x-client-id']).toBe('checkout');
    expect(server.seen[0]!.headers['content-length']).toBe(String(Buffer.byteLength('{"a":"é"}')));
  });

  it('when requests follow each other, then they reuse one connection', async () => {
    server = await startServer();
    const send = createKeepAliveFetch();

    for (let i = 0; i < 5; i++) await (await send(`${server.url}/x`)).text();

    expect(server.seen).toHaveLength(5);
    expect(server.connections()).toBe(1);
  });

  it('when the status is not 2xx, then ok is false and the body is still readable', async () => {
    server = await startServer();
    const res = await createKeepAliveFetch()(`${server.url}/missing`);

    expect(res.status).toBe(404);
    expect(res.ok).toBe(false);
    expect(JSON.parse(await res.text())).toMatchObject({ path: '/missing' });
  });

  it('when the signal aborts mid-request, then it rejects with the signal reason', async () => {
    server = await startServer(5_000);
    const controller = new AbortController();
    const pending = createKeepAliveFetch()(`${server.url}/slow`, { signal: controller.signal });
    const reason = new Error('attempt timed out');

    setTimeout(() => controller.abort(reason), 20);

    await expect(pending).rejects.toBe(reason);
  });

  it('when nothing listens, then it rejects with the socket error code the retry classifier reads', async () => {
    const port = await closedPort();

    await expect(createKeepAliveFetch()(`http://127.0.0.1:${port}/x`)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('when the URL is not http:, then it refuses clearly', async () => {
    await expect(createKeepAliveFetch()('https://example.test/x')).rejects.toThrow(
      /http: URLs only/,
    );
  });
});
