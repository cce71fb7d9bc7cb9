import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { propagation, type TextMapPropagator } from '@opentelemetry/api';
import { Registry } from 'prom-client';
import { runWithDeadline } from '../deadline/deadline-context';
import type { PolicyConfigInput } from '../policy/policy.config';
import { ResiliencePolicy } from '../policy/resilience-policy';
import { AttemptTimeoutError } from '../timeout/timeout.errors';
import { HttpDependencyError } from './http-dependency.error';
import type { HttpAttemptResult } from './http-client.types';
import { ResilientHttpClient } from './resilient-http-client';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Handler = (seen: Seen, res: ServerResponse, count: number) => void;

/** A real HTTP server on an ephemeral port; `handler` answers each request. */
async function startServer(handler: Handler) {
  const requests: Seen[] = [];
  let aborted = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(seen);
      handler(seen, res, requests.length);
    });
    res.on('close', () => {
      if (!res.writableFinished) aborted++;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    aborted: () => aborted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res
    .writeHead(status, { 'content-type': 'application/json', ...headers })
    .end(JSON.stringify(body));
}

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const testPropagator: TextMapPropagator = {
  inject: (_ctx, carrier, setter) => setter.set(carrier, 'traceparent', TRACEPARENT),
  extract: (ctx) => ctx,
  fields: () => ['traceparent'],
};

describe('ResilientHttpClient against a real HTTP server', () => {
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let handler: Handler = (_seen, res) => json(res, 200, {});

  beforeAll(async () => {
    propagation.setGlobalPropagator(testPropagator);
    server = await startServer((seen, res, n) => handler(seen, res, n));
  });
  afterAll(async () => {
    propagation.disable();
    await server?.close();
  });
  beforeEach(() => server?.requests.splice(0));

  function client(config: PolicyConfigInput = {}, baseUrl = server?.url ?? '') {
    const registry = new Registry();
    const policy = new ResiliencePolicy(
      'inventory',
      { ...config, retry: { baseDelayMs: 1, maxDelayMs: 5, ...config.retry } },
      { registry },
    );
    return { registry, http: new ResilientHttpClient({ baseUrl, policy }) };
  }

  it('when the dependency answers 200 JSON, then the typed body comes back and the request carries deadline and trace headers', async () => {
    // Arrange
    handler = (_seen, res) => json(res, 200, { sku: 'A-1', available: 3 });
    const { http } = client({ attemptTimeoutMs: 1_000 });
    const parse = (body: unknown) => {
      const value = body as { sku?: unknown; available?: unknown };
      if (typeof value.sku !== 'string' || typeof value.available !== 'number')
        throw new Error('bad stock');
      return { sku: value.sku, available: value.available };
    };

    // Act
    const response = await runWithDeadline(Date.now() + 300, () =>
      http.get('/v1/stock/A-1', { query: { warehouse: 'eu', empty: undefined }, parse }),
    );

    // Assert
    expect(response).toMatchObject({ status: 200, body: { sku: 'A-1', available: 3 }, attempt: 1 });
    const seen = server?.requests[0];
    expect(seen?.url).toBe('/v1/stock/A-1?warehouse=eu');
    expect(seen?.headers.accept).toBe('application/json');
    expect(seen?.headers.traceparent).toBe(TRACEPARENT);
    const budget = Number(seen?.headers['x-request-timeout-ms']);
    expect(budget).toBeGreaterThan(200);
    expect(budget).toBeLessThanOrEqual(300);
  });

  it('when the dependency answers 503 once, then the call is retried and succeeds', async () => {
    handler = (_seen, res, n) =>
      n === 1 ? json(res, 503, { title: 'busy' }) : json(res, 200, { ok: true });
    const { http } = client();

    const response = await http.get('/v1/ping');

    expect(response.attempt).toBe(2);
    expect(server?.requests).toHaveLength(2);
  });

  it('when the dependency answers 404 problem+json, then HttpDependencyError carries it, unretried and not blamed', async () => {
    // Arrange
    handler = (_seen, res) =>
      res
        .writeHead(404, { 'content-type': 'application/problem+json' })
        .end(JSON.stringify({ title: 'Not found', status: 404, code: 'INVENTORY.UNKNOWN_SKU' }));
    const { http, registry } = client();

    // Act
    const error = await http.get('/v1/stock/nope').catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(HttpDependencyError);
    expect(error).toMatchObject({
      code: 'RESILIENCE.DEPENDENCY_HTTP_ERROR',
      status: 404,
      dependency: 'inventory',
      transient: false,
      countsAsFailure: false,
      problem: { code: 'INVENTORY.UNKNOWN_SKU' },
    });
    expect((error as Error).message).toBe(
      'inventory answered 404 (INVENTORY.UNKNOWN_SKU) to GET /v1/stock/nope',
    );
    expect(server?.requests).toHaveLength(1);
    const calls =
      (await registry.getSingleMetric('resilience_circuit_breaker_calls_total')?.get())?.values ??
      [];
    expect(calls.find((v) => v.labels.outcome === 'success')?.value).toBe(1);
  });

  it('when the dependency answers 429 with Retry-After beyond the cap, then it gives up with retryAfterMs parsed', async () => {
    handler = (_seen, res) => json(res, 429, { title: 'slow down' }, { 'retry-after': '7' });
    const { http } = client();

    const error = await http.get('/v1/ping').catch((e: unknown) => e);

    expect(error).toMatchObject({
      status: 429,
      retryAfterMs: 7_000,
      transient: true,
      countsAsFailure: false,
    });
    expect(server?.requests).toHaveLength(1);
  });

  it('when the overloaded dependency says x-retry: no, then the 503 is not retried', async () => {
    handler = (_seen, res) => json(res, 503, { title: 'shedding' }, { 'x-retry': 'no' });
    const { http } = client();

    const error = await http.get('/v1/ping').catch((e: unknown) => e);

    expect(error).toMatchObject({ status: 503, doNotRetry: true });
    expect(server?.requests).toHaveLength(1);
  });

  it('when a POST fails with 503, then it is retried only if it carries an idempotency key', async () => {
    // Arrange
    handler = (_seen, res, n) => (n <= 2 ? json(res, 503, {}) : json(res, 201, { id: 'r-1' }));
    const { http } = client();

    // Act
    const unkeyed = await http.post('/v1/reservations', { sku: 'A-1' }).catch((e: unknown) => e);
    const keyed = await http.post(
      '/v1/reservations',
      { sku: 'A-1' },
      { idempotencyKey: 'order:9:reserve' },
    );

    // Assert
    expect(unkeyed).toMatchObject({ status: 503 });
    expect(keyed).toMatchObject({ status: 201, attempt: 2 });
    const methods = server?.requests.map((r) => [r.method, r.headers['idempotency-key'], r.body]);
    expect(methods).toEqual([
      ['POST', undefined, '{"sku":"A-1"}'],
      ['POST', 'order:9:reserve', '{"sku":"A-1"}'],
      ['POST', 'order:9:reserve', '{"sku":"A-1"}'],
    ]);
  });

  it('when nothing listens on the port, then DEPENDENCY_UNREACHABLE is raised after retrying even a POST', async () => {
    // Arrange: a port that was just freed
    const gone = await startServer(() => undefined);
    await gone.close();
    const { http, registry } = client({ retry: { maxAttempts: 2 } }, gone.url);

    // Act
    const error = await http.post('/v1/reservations', {}).catch((e: unknown) => e);

    // Assert
    expect(error).toMatchObject({
      code: 'RESILIENCE.DEPENDENCY_UNREACHABLE',
      requestNotSent: true,
      transient: true,
    });
    const retries =
      (await registry.getSingleMetric('resilience_retry_retries_total')?.get())?.values ?? [];
    expect(retries[0]).toMatchObject({ value: 1, labels: { reason: 'dependency_unreachable' } });
  });

  it('when the dependency is slower than the attempt timeout, then the request is aborted on the wire', async () => {
    // Arrange
    handler = (_seen, res) => setTimeout(() => json(res, 200, {}), 2_000).unref();
    const { http } = client({ attemptTimeoutMs: 50, retry: { maxAttempts: 1 } });

    // Act
    const error = await http.get('/v1/slow').catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Assert
    expect(error).toBeInstanceOf(AttemptTimeoutError);
    expect(server?.aborted()).toBeGreaterThanOrEqual(1);
  });

  it('when a 200 body is not valid JSON or fails validation, then DEPENDENCY_BAD_RESPONSE is raised', async () => {
    handler = (_seen, res, n) =>
      n === 1
        ? res.writeHead(200, { 'content-type': 'application/json' }).end('{"truncated":')
        : json(res, 200, { wrong: true });
    const { http } = client();

    const corrupt = await http.get('/v1/a').catch((e: unknown) => e);
    const invalid = await http
      .get('/v1/b', {
        parse: () => {
          throw new Error('schema mismatch');
        },
      })
      .catch((e: unknown) => e);

    expect(corrupt).toMatchObject({
      code: 'RESILIENCE.DEPENDENCY_BAD_RESPONSE',
      transient: false,
      countsAsFailure: true,
    });
    expect(invalid).toMatchObject({ code: 'RESILIENCE.DEPENDENCY_BAD_RESPONSE' });
    expect(server?.requests).toHaveLength(2);
  });

  describe('per-attempt observers (onAttempt, onAttemptResult)', () => {
    /** Records what the observers of one request saw, in order. */
    function observe() {
      const seen: string[] = [];
      return {
        seen,
        onAttempt: (attempt: number) => void seen.push(`sent ${attempt}`),
        onAttemptResult: (r: HttpAttemptResult) =>
          void seen.push(
            r.response
              ? `answered ${r.attempt} ${r.response.status}`
              : `failed ${r.attempt} ${(r.error as { name?: string }).name}`,
          ),
      };
    }

    it('when the first attempt gets 503 and the retry 200, then each attempt is announced and its answer reported', async () => {
      handler = (_seen, res, n) =>
        n === 1 ? json(res, 503, {}, { 'x-retry': 'maybe' }) : json(res, 200, { ok: true });
      const { http } = client();
      const { seen, onAttempt, onAttemptResult } = observe();

      const response = await http.get('/v1/ping', { onAttempt, onAttemptResult });

      expect(response.attempt).toBe(2);
      expect(seen).toEqual(['sent 1', 'answered 1 503', 'sent 2', 'answered 2 200']);
    });

    it('when the answer is reported, then its status and headers are readable (the body is left to the client)', async () => {
      handler = (_seen, res) => json(res, 503, { title: 'shedding' }, { 'x-retry': 'no' });
      const { http } = client();
      const results: HttpAttemptResult[] = [];

      const error = await http
        .get('/v1/ping', { onAttemptResult: (r) => void results.push(r) })
        .catch((e: unknown) => e);

      expect(error).toMatchObject({
        status: 503,
        doNotRetry: true,
        problem: { title: 'shedding' },
      });
      expect(results).toHaveLength(1);
      expect(results[0]?.response?.headers.get('x-retry')).toBe('no');
    });

    it('when nothing listens, then every attempt reports the transport error', async () => {
      const gone = await startServer(() => undefined);
      await gone.close();
      const { http } = client({ retry: { maxAttempts: 2 } }, gone.url);
      const results: HttpAttemptResult[] = [];

      await http
        .get('/v1/ping', { onAttemptResult: (r) => void results.push(r) })
        .catch(() => undefined);

      expect(results.map((r) => r.attempt)).toEqual([1, 2]);
      for (const r of results) {
        expect(r.response).toBeUndefined();
        expect(r.error).toMatchObject({ name: 'TypeError', cause: { code: 'ECONNREFUSED' } });
      }
    });

    it('when the attempt times out, then the aborted transport reports its error', async () => {
      handler = (_seen, res) => setTimeout(() => json(res, 200, {}), 2_000).unref();
      const { http } = client({ attemptTimeoutMs: 50, retry: { maxAttempts: 1 } });
      const { seen, onAttempt, onAttemptResult } = observe();

      const error = await http.get('/v1/slow', { onAttempt, onAttemptResult }).catch((e) => e);
      await new Promise((resolve) => setTimeout(resolve, 20));

      expect(error).toBeInstanceOf(AttemptTimeoutError);
      expect(seen).toEqual(['sent 1', 'failed 1 AttemptTimeoutError']);
    });

    it('when the breaker is open, then the refused attempt is never announced', async () => {
      handler = (_seen, res) => json(res, 500, {});
      const { http } = client({
        breaker: { minimumNumberOfCalls: 2, failureRateThreshold: 50 },
        retry: { maxAttempts: 1 },
      });
      await http.get('/v1/a').catch(() => undefined);
      await http.get('/v1/a').catch(() => undefined);
      const { seen, onAttempt, onAttemptResult } = observe();

      const error = await http.get('/v1/a', { onAttempt, onAttemptResult }).catch((e) => e);

      expect(error).toMatchObject({ code: 'RESILIENCE.CIRCUIT_OPEN' });
      expect(seen).toEqual([]);
    });

    it('when one client serves concurrent requests, then each request sees only its own attempts', async () => {
      handler = (seen, res) => json(res, seen.url.endsWith('/a') ? 200 : 404, {});
      const { http } = client();
      const a = observe();
      const b = observe();

      await Promise.all([
        http.get('/v1/a', { onAttempt: a.onAttempt, onAttemptResult: a.onAttemptResult }),
        http
          .get('/v1/b', { onAttempt: b.onAttempt, onAttemptResult: b.onAttemptResult })
          .catch(() => undefined),
      ]);

      expect(a.seen).toEqual(['sent 1', 'answered 1 200']);
      expect(b.seen).toEqual(['sent 1', 'answered 1 404']);
    });
  });
});
