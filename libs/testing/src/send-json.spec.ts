import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson } from './send-json';

/** A loopback server that answers every request with what it received. */
async function echoServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('sendJson', () => {
  let echo: { server: Server; url: string };

  beforeAll(async () => {
    echo = await echoServer();
  });

  afterAll(() => new Promise<void>((resolve) => echo.server.close(() => resolve())));

  it('when a body is given, then it is sent as JSON with the extra headers', async () => {
    // Act
    const res = await sendJson(echo.url, 'POST', '/v1/things', { a: 1 }, { 'x-client-id': 'c' });

    // Assert
    const seen = (await res.json()) as {
      method: string;
      url: string;
      headers: Record<string, string>;
      body: string;
    };
    expect(seen).toMatchObject({ method: 'POST', url: '/v1/things', body: '{"a":1}' });
    expect(seen.headers).toMatchObject({ 'content-type': 'application/json', 'x-client-id': 'c' });
  });

  it('when no body is given, then none is sent and no content type is claimed', async () => {
    // Act
    const res = await sendJson(echo.url, 'GET', '/v1/things');

    // Assert
    const seen = (await res.json()) as { headers: Record<string, string>; body: string };
    expect(seen.body).toBe('');
    expect(seen.headers['content-type']).toBeUndefined();
  });
});
