import { connect } from 'node:net';
import { startDemo, type StartedDemo } from '../../test/fixtures/start-demo';

async function problemOf(res: Response): Promise<Record<string, unknown>> {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await res.json()) as Record<string, unknown>;
}

describe('problem+json for every error', () => {
  let demo: StartedDemo;

  beforeAll(async () => {
    demo = await startDemo();
  });

  afterAll(async () => {
    await demo.service.shutdown('test');
  });

  const post = (body: string, contentType = 'application/json') =>
    fetch(`${demo.url}/v1/items`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });

  it('when the route does not exist, then 404 HTTP.NOT_FOUND', async () => {
    const res = await fetch(`${demo.url}/v1/nowhere`);

    expect(res.status).toBe(404);
    expect(await problemOf(res)).toMatchObject({
      type: 'urn:problem:http.not_found',
      title: 'Not Found',
      status: 404,
      code: 'HTTP.NOT_FOUND',
      instance: '/v1/nowhere',
    });
  });

  it("when a path parameter holds a malformed percent-escape, then 400 HTTP.BAD_URL (not Fastify's own JSON)", async () => {
    const res = await fetch(`${demo.url}/v1/items/%ED%A0%80`);

    expect(res.status).toBe(400);
    expect(await problemOf(res)).toMatchObject({ status: 400, code: 'HTTP.BAD_URL' });
  });

  it('when a path parameter is longer than the router accepts, then 414 HTTP.URI_TOO_LONG', async () => {
    const res = await fetch(`${demo.url}/v1/items/${'a'.repeat(1_000)}`);

    expect(res.status).toBe(414);
    expect(await problemOf(res)).toMatchObject({ status: 414, code: 'HTTP.URI_TOO_LONG' });
  });

  it("when the headers exceed the HTTP parser's limit, then 431 HTTP.HEADERS_TOO_LARGE as problem+json and the connection closes", async () => {
    const { port } = new URL(demo.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write(`GET /v1/items/a HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`),
      );
      let data = '';
      socket.on('data', (d: Buffer) => (data += d.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });

    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(body!)).toMatchObject({ status: 431, code: 'HTTP.HEADERS_TOO_LARGE' });
  });

  it('when the JSON body is malformed, then 400 HTTP.MALFORMED_BODY', async () => {
    const res = await post('{"sku": "A", ');

    expect(res.status).toBe(400);
    expect(await problemOf(res)).toMatchObject({ code: 'HTTP.MALFORMED_BODY', status: 400 });
  });

  it('when the JSON body nests deeper than 64 levels, then 400 HTTP.MALFORMED_BODY before anything walks it', async () => {
    const res = await post(`${'['.repeat(100)}1${']'.repeat(100)}`);

    expect(res.status).toBe(400);
    expect(await problemOf(res)).toMatchObject({
      code: 'HTTP.MALFORMED_BODY',
      detail: 'The JSON request body nests deeper than 64 levels.',
    });
  });

  it('when the body exceeds the limit, then 413 HTTP.PAYLOAD_TOO_LARGE', async () => {
    const res = await post(JSON.stringify({ sku: 'x'.repeat(5000), quantity: 1 }));

    expect(res.status).toBe(413);
    expect(await problemOf(res)).toMatchObject({ code: 'HTTP.PAYLOAD_TOO_LARGE' });
  });

  it('when the content type is not JSON, then 415 HTTP.UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await post('<item sku="A"/>', 'application/xml');

    expect(res.status).toBe(415);
    expect(await problemOf(res)).toMatchObject({ code: 'HTTP.UNSUPPORTED_MEDIA_TYPE' });
  });

  it('when the body fails validation, then 400 HTTP.VALIDATION_FAILED with one entry per field', async () => {
    const res = await post(JSON.stringify({ sku: '', quantity: -2 }));

    expect(res.status).toBe(400);
    const problem = await problemOf(res);
    expect(problem.code).toBe('HTTP.VALIDATION_FAILED');
    expect((problem.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([
      'quantity',
      'sku',
    ]);
  });

  it('when a domain error is thrown, then its status, code, message and safe metadata are used', async () => {
    const res = await fetch(`${demo.url}/errors/app`);

    expect(res.status).toBe(409);
    expect(await problemOf(res)).toMatchObject({
      code: 'DEMO.OUT_OF_STOCK',
      detail: 'SKU-1 has only 2 left.',
      sku: 'SKU-1',
      available: 2,
    });
  });

  it('when an error carries httpStatus, code, retryAfterMs and headers, then they are honoured', async () => {
    const res = await fetch(`${demo.url}/errors/coded`);

    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('x-retry')).toBe('no');
    expect(await problemOf(res)).toMatchObject({
      code: 'RESILIENCE.LOAD_SHED',
      detail: 'Shed under load.',
    });
  });

  it('when an unexpected error is thrown, then 500 HTTP.INTERNAL reveals nothing and the error is logged', async () => {
    const res = await fetch(`${demo.url}/errors/bug`);

    expect(res.status).toBe(500);
    const problem = await problemOf(res);
    expect(problem).toMatchObject({
      code: 'HTTP.INTERNAL',
      detail: 'An unexpected error occurred.',
    });
    expect(JSON.stringify(problem)).not.toMatch(/secretInternals|TypeError|at /);
    const logged = demo.logs.find((l) => l.msg === 'request failed' && l.code === 'HTTP.INTERNAL');
    expect(JSON.stringify(logged)).toContain('secretInternals');
  });
});
