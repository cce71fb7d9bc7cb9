import { once } from 'node:events';
import { SpanKind, trace, type Span } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { requirePostgres, requireRedis, testEnv } from '@rc/testing';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import { createPgPool, createRedis } from '../../src/connections';
import { ShutdownRegistry } from '../../src/lifecycle';
import { startTelemetry } from '../../src/telemetry';

// pg and ioredis were loaded (by the connection factories imported above) before telemetry
// starts, as in a service: the spans below prove the already-loaded modules are instrumented.
describe('pg and ioredis spans against the real Postgres and Redis', () => {
  const env = testEnv();
  const spans = new InMemorySpanExporter();
  const shutdown = new ShutdownRegistry();
  let stopTelemetry: () => Promise<void>;
  let pool: Pool;
  let redis: Redis;

  beforeAll(async () => {
    await Promise.all([requirePostgres(), requireRedis()]);
    stopTelemetry = startTelemetry({
      serviceName: 'data-store-tracing-test',
      serviceVersion: '0.0.0',
      enabled: true,
      endpoint: 'http://127.0.0.1:4318',
      samplingRatio: 1,
      exporter: spans,
    });
    pool = createPgPool(env.databaseUrl, { shutdown, max: 2 });
    redis = createRedis(env.redisUrl, { shutdown });
    await once(redis, 'ready');
  });

  afterEach(() => spans.reset());

  afterAll(async () => {
    await shutdown.runAll();
    await stopTelemetry();
  });

  /** Runs `fn` inside a fresh active span; returns that span's id. */
  async function inSpan(fn: () => Promise<unknown>): Promise<string> {
    return trace.getTracer('test').startActiveSpan('parent', async (span: Span) => {
      try {
        await fn();
        return span.spanContext().spanId;
      } finally {
        span.end();
      }
    });
  }

  const clientSpans = (): ReadableSpan[] =>
    spans.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);

  it('when a query runs inside a span, then a CLIENT span child of it carries the SQL text but not the bound values', async () => {
    const secret = `tok_${Date.now()}_do_not_trace`;

    const parentId = await inSpan(() => pool.query('SELECT $1::text AS value', [secret]));

    const query = clientSpans().find((s) => s.attributes['db.query.text'] !== undefined);
    expect(query).toBeDefined();
    expect(query!.parentSpanContext?.spanId).toBe(parentId);
    expect(query!.attributes).toMatchObject({
      'db.system.name': 'postgresql',
      'db.query.text': 'SELECT $1::text AS value',
    });
    const everything = JSON.stringify(spans.getFinishedSpans().map((s) => s.attributes));
    expect(everything).not.toContain(secret);
  });

  it('when a query runs outside any span (a background poll), then it makes no span', async () => {
    await pool.query('SELECT 1');

    expect(clientSpans()).toEqual([]);
  });

  it('when a Redis command runs inside a span, then a CLIENT span child of it names the command but not its key or value', async () => {
    const key = `trace-test:${Date.now()}`;
    const value = 'cart-contents-not-for-spans';

    const parentId = await inSpan(() => redis.set(key, value, 'PX', 10_000));

    const command = clientSpans().find((s) => s.name === 'set');
    expect(command).toBeDefined();
    expect(command!.parentSpanContext?.spanId).toBe(parentId);
    expect(command!.attributes).toMatchObject({
      'db.system.name': 'redis',
      'db.query.text': 'set',
    });
    const everything = JSON.stringify(command!.attributes);
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(value);
  });

  it('when a Redis command runs outside any span, then it makes no span', async () => {
    await redis.get('trace-test:absent');

    expect(clientSpans()).toEqual([]);
  });
});
