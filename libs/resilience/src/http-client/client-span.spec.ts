import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { closedPort } from '@rc/testing';
import { Registry } from 'prom-client';
import { useInMemoryTracing } from '../../test/support/in-memory-tracing';
import { ResiliencePolicy } from '../policy/resilience-policy';
import { RESILIENCE_EVENTS } from '../tracing/resilience-events';
import { ResilientHttpClient } from './resilient-http-client';

// A real SDK and a real HTTP server: each attempt of the resilient client is a CLIENT span whose
// context is what the dependency receives as `traceparent`.
describe('ResilientHttpClient spans', () => {
  const tracing = useInMemoryTracing();
  const seen: IncomingHttpHeaders[] = [];
  let statuses: number[] = [];
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(statuses.shift() ?? 200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen.splice(0);
    statuses = [];
  });

  const clientFor = (url = baseUrl, maxAttempts = 3) =>
    new ResilientHttpClient({
      baseUrl: url,
      policy: new ResiliencePolicy(
        'inventory',
        { retry: { maxAttempts, baseDelayMs: 1, maxDelayMs: 2 } },
        { registry: new Registry() },
      ),
    });

  const clientSpans = (): ReadableSpan[] =>
    tracing.exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);

  /** The span id a `traceparent` header names as the parent. */
  const parentIdIn = (headers: IncomingHttpHeaders | undefined) =>
    String(headers?.traceparent).split('-')[2];

  it('when a call with a URL template succeeds, then one CLIENT span named by the template is the parent the dependency sees', async () => {
    // Arrange
    const http = clientFor();

    // Act
    const { span: caller } = await tracing.inSpan('checkout', () =>
      http.get('/v1/products/SKU-1', { urlTemplate: '/v1/products/:sku', query: { q: 'x' } }),
    );

    // Assert
    const [attempt] = clientSpans();
    expect(clientSpans()).toHaveLength(1);
    expect(attempt!.name).toBe('GET /v1/products/:sku');
    expect(attempt!.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    expect(attempt!.attributes).toEqual({
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(baseUrl).port),
      'url.full': `${baseUrl}/v1/products/SKU-1`,
      'url.template': '/v1/products/:sku',
      'peer.service': 'inventory',
      'http.response.status_code': 200,
    });
    expect(attempt!.status.code).toBe(SpanStatusCode.UNSET);
    expect(parentIdIn(seen[0])).toBe(attempt!.spanContext().spanId);
    expect(String(seen[0]?.traceparent).split('-')[1]).toBe(caller.spanContext().traceId);
  });

  it('when an attempt fails with 503 and is retried, then each attempt has its own span and the retry is an event on the caller', async () => {
    // Arrange
    statuses = [503];
    const http = clientFor();

    // Act
    const { span: caller } = await tracing.inSpan('checkout', () => http.get('/v1/ping'));

    // Assert
    const [first, second] = clientSpans();
    expect(clientSpans()).toHaveLength(2);
    expect(first!.name).toBe('GET');
    expect(first!.attributes).toMatchObject({
      'http.response.status_code': 503,
      'error.type': '503',
    });
    expect(first!.attributes['http.request.resend_count']).toBeUndefined();
    expect(first!.status.code).toBe(SpanStatusCode.ERROR);
    expect(second!.attributes).toMatchObject({
      'http.response.status_code': 200,
      'http.request.resend_count': 1,
    });
    expect(seen.map(parentIdIn)).toEqual([first, second].map((s) => s!.spanContext().spanId));
    const retry = caller.events.find((e) => e.name === RESILIENCE_EVENTS.retry);
    expect(retry?.attributes).toMatchObject({
      'resilience.dependency': 'inventory',
      'resilience.attempt': 1,
      'resilience.reason': 'http_503',
    });
    expect(retry?.attributes?.['resilience.retry.delay_ms']).toEqual(expect.any(Number));
  });

  it('when nothing answers, then each attempt span is an error typed by the stable code and the caller records why retrying stopped', async () => {
    // Arrange
    const http = clientFor(`http://127.0.0.1:${await closedPort()}`, 2);

    // Act
    const { span: caller, error } = await tracing.inSpan('checkout', () => http.get('/v1/ping'));

    // Assert
    expect(error).toMatchObject({ code: 'RESILIENCE.DEPENDENCY_UNREACHABLE' });
    expect(clientSpans()).toHaveLength(2);
    for (const attempt of clientSpans()) {
      expect(attempt.status.code).toBe(SpanStatusCode.ERROR);
      expect(attempt.attributes['error.type']).toBe('RESILIENCE.DEPENDENCY_UNREACHABLE');
      expect(attempt.attributes['http.response.status_code']).toBeUndefined();
    }
    expect(caller.events.map((e) => e.name)).toEqual([
      RESILIENCE_EVENTS.retry,
      RESILIENCE_EVENTS.retryGaveUp,
    ]);
    expect(caller.events[1]?.attributes).toMatchObject({
      'resilience.attempt': 2,
      'resilience.reason': 'max_attempts',
    });
  });

  it('when a dependency answers 404, then the span is an error but nothing is retried or recorded on the caller', async () => {
    // Arrange
    statuses = [404];
    const http = clientFor();

    // Act
    const { span: caller } = await tracing.inSpan('checkout', () => http.get('/v1/products/x'));

    // Assert
    expect(clientSpans()).toHaveLength(1);
    expect(clientSpans()[0]!.attributes['error.type']).toBe('404');
    expect(caller.events).toEqual([]);
  });
});
