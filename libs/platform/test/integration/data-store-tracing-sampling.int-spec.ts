import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  TraceFlags,
  trace,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { requirePostgres, requireRedis, testEnv } from '@rc/testing';
import Redis from 'ioredis';
import { Client, type Pool } from 'pg';
import { createPgPool, createRedis } from '../../src/connections';
import { ShutdownRegistry } from '../../src/lifecycle';
import { instrumentDataStores } from '../../src/telemetry/data-store-instrumentations';

// Captured before anything is instrumented.
const originalQuery = Client.prototype.query;
const originalSendCommand = (Redis.prototype as unknown as Record<string, unknown>)['sendCommand'];

/** Who makes the data-store calls. */
type Caller =
  | 'sampled' // a request whose caller's traceparent is sampled
  | 'unsampled caller' // a request whose caller's traceparent is not sampled
  | 'new trace' // a request without traceparent, which the ratio (0 here) leaves out
  | 'no span'; // background work (an outbox poll)

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

// A service whose ratio records no new trace: a request is sampled only when its caller's
// traceparent says so, which gives both decisions on demand.
describe('pg and ioredis tracing by sampling decision, against the real Postgres and Redis', () => {
  const env = testEnv();
  const spans = new InMemorySpanExporter();
  const shutdown = new ShutdownRegistry();
  const provider = new NodeTracerProvider({
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0) }),
    spanProcessors: [new SimpleSpanProcessor(spans)],
  });
  const tracer = provider.getTracer('test');
  /** `startSpan` calls on the instrumentations' tracers, by tracer name. */
  const started = new Map<string, number>();
  let uninstrument: () => void;
  let pool: Pool;
  let redis: Redis;

  /** The provider, handing the instrumentations tracers that count their `startSpan` calls. */
  const counting: TracerProvider = {
    getTracer(name, version, options) {
      const inner = provider.getTracer(name, version, options);
      // Its own startActiveSpan, inherited, starts through the counted startSpan too.
      const counted = Object.create(inner) as Tracer;
      counted.startSpan = (...args) => {
        started.set(name, (started.get(name) ?? 0) + 1);
        return inner.startSpan(...args);
      };
      return counted;
    },
  };
  const dataStoreSpansStarted = (): number =>
    (started.get('@opentelemetry/instrumentation-pg') ?? 0) +
    (started.get('@opentelemetry/instrumentation-ioredis') ?? 0);

  beforeAll(async () => {
    await Promise.all([requirePostgres(), requireRedis()]);
    provider.register();
    uninstrument = instrumentDataStores(counting);
    pool = createPgPool(env.databaseUrl, { shutdown, max: 2 });
    redis = createRedis(env.redisUrl, { shutdown });
    await once(redis, 'ready');
  });

  afterEach(() => {
    spans.reset();
    started.clear();
  });

  afterAll(async () => {
    await shutdown.runAll();
    uninstrument();
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  interface Handled<T> {
    traceId: string;
    spanId: string;
    recording: boolean;
    result: T;
  }

  /** Runs `fn` as `caller` would: inside its SERVER span, or (no span) outside any. */
  async function as<T>(caller: Caller, fn: () => Promise<T>): Promise<Handled<T>> {
    if (caller === 'no span') {
      const result = await context.with(ROOT_CONTEXT, fn);
      return { traceId: '', spanId: '', recording: false, result };
    }
    const parent =
      caller === 'new trace'
        ? ROOT_CONTEXT
        : trace.setSpanContext(ROOT_CONTEXT, {
            traceId: hex(16),
            spanId: hex(8),
            traceFlags: caller === 'sampled' ? TraceFlags.SAMPLED : TraceFlags.NONE,
            isRemote: true,
          });
    return context.with(parent, () =>
      tracer.startActiveSpan('GET /v1/items/:id', { kind: SpanKind.SERVER }, async (span) => {
        try {
          const result = await fn();
          const { traceId, spanId } = span.spanContext();
          return { traceId, spanId, recording: span.isRecording(), result };
        } finally {
          span.end();
        }
      }),
    );
  }

  const clientSpans = (): ReadableSpan[] =>
    spans.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);
  const queryText = (s: ReadableSpan): unknown => s.attributes['db.query.text'];

  /** `caller` takes the pool's only client and keeps it until `letGo()`. */
  async function holdOnlyClient(
    of: Pool,
    caller: Caller,
  ): Promise<{ letGo: () => void; done: Promise<Handled<void>> }> {
    let letGo!: () => void;
    const released = new Promise<void>((resolve) => (letGo = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const done = as(caller, async () => {
      const client = await of.connect();
      await client.query(`SELECT 'holder' AS who`);
      holding();
      await released;
      client.release();
    });
    await held;
    return { letGo, done };
  }

  async function untilWaiting(of: Pool, count: number): Promise<void> {
    while (of.waitingCount < count) await new Promise((resolve) => setImmediate(resolve));
  }

  it('when a sampled request queries Postgres and Redis, then its CLIENT spans are recorded in its trace', async () => {
    const key = `trace-sampling-test:${hex(4)}`;

    const request = await as('sampled', async () => {
      await pool.query('SELECT $1::int AS n', [1]);
      await redis.set(key, 'v', 'PX', 10_000);
    });

    expect(request.recording).toBe(true);
    const recorded = clientSpans();
    expect(recorded.map((s) => s.name)).toEqual(
      expect.arrayContaining(['pg-pool.connect', expect.stringMatching(/^pg\.query:/), 'set']),
    );
    expect(recorded.every((s) => s.spanContext().traceId === request.traceId)).toBe(true);
    expect(recorded.find((s) => s.name === 'set')?.parentSpanContext?.spanId).toBe(request.spanId);
    expect(recorded.find((s) => queryText(s) === 'SELECT $1::int AS n')?.attributes).toMatchObject({
      'db.system.name': 'postgresql',
    });
    expect(dataStoreSpansStarted()).toBeGreaterThan(0);
  });

  it.each<Caller>(['unsampled caller', 'new trace'])(
    'when a request that is not sampled (%s) queries Postgres and Redis, then the calls work and no data-store span is even started',
    async (caller) => {
      const key = `trace-sampling-test:${hex(4)}`;

      const request = await as(caller, async () => {
        const { rows } = await pool.query<{ n: number }>('SELECT $1::int AS n', [7]);
        const client = await pool.connect();
        try {
          await client.query('SELECT 2');
        } finally {
          client.release();
        }
        // A pool of its own: a new connection (Client.connect) under the unsampled span.
        const fresh = createPgPool(env.databaseUrl, { max: 1 });
        await fresh.query('SELECT 3').finally(() => fresh.end());
        await redis.set(key, 'v', 'PX', 10_000);
        return [rows[0]?.n, await redis.get(key)];
      });

      expect(request.recording).toBe(false);
      expect(request.result).toEqual([7, 'v']);
      expect(dataStoreSpansStarted()).toBe(0);
      expect(clientSpans()).toEqual([]);
    },
  );

  it.each<Caller>(['unsampled caller', 'new trace', 'no span'])(
    'when a waiter (%s) queries through the pool whose only connection a sampled request holds, then its query stays out of that trace',
    async (caller) => {
      const single = createPgPool(env.databaseUrl, { max: 1 });
      try {
        const holder = await holdOnlyClient(single, 'sampled');
        const waiter = as(caller, () => single.query(`SELECT 'waiter' AS who`));
        await untilWaiting(single, 1);

        holder.letGo();
        const [held, waited] = await Promise.all([holder.done, waiter]);

        expect(waited.result.rows).toEqual([{ who: 'waiter' }]);
        const texts = clientSpans().map(queryText);
        expect(texts).toContain(`SELECT 'holder' AS who`);
        expect(texts).not.toContain(`SELECT 'waiter' AS who`);
        const heldTrace = clientSpans().filter((s) => s.spanContext().traceId === held.traceId);
        expect(heldTrace.map(queryText)).not.toContain(`SELECT 'waiter' AS who`);
      } finally {
        await single.end();
      }
    },
  );

  it('when a sampled request waits for the only connection an unsampled request holds, then its query span is in its own trace', async () => {
    const single = createPgPool(env.databaseUrl, { max: 1 });
    try {
      const holder = await holdOnlyClient(single, 'unsampled caller');
      const waiter = as('sampled', () => single.query(`SELECT 'waiter' AS who`));
      await untilWaiting(single, 1);

      holder.letGo();
      const [, waited] = await Promise.all([holder.done, waiter]);

      const query = clientSpans().find((s) => queryText(s) === `SELECT 'waiter' AS who`);
      expect(query?.spanContext().traceId).toBe(waited.traceId);
      expect(query?.parentSpanContext?.spanId).toBe(waited.spanId);
      expect(clientSpans().map(queryText)).not.toContain(`SELECT 'holder' AS who`);
    } finally {
      await single.end();
    }
  });

  it('when uninstrumented, then the original methods are back and no call is traced, not even through a client connected while instrumented; instrumenting again traces them again', async () => {
    // `pool`'s clients connected while instrumented (its connect listeners bound their query)
    uninstrument();

    expect(Client.prototype.query).toBe(originalQuery);
    expect((Redis.prototype as unknown as Record<string, unknown>)['sendCommand']).toBe(
      originalSendCommand,
    );
    await as('sampled', async () => {
      await pool.query('SELECT $1::int AS n', [1]);
      await redis.get('trace-sampling-test:absent');
    });
    expect(clientSpans()).toEqual([]);
    expect(dataStoreSpansStarted()).toBe(0);

    uninstrument = instrumentDataStores(counting);
    await as('sampled', () => pool.query('SELECT $1::int AS n', [1]));
    expect(clientSpans().map(queryText)).toContain('SELECT $1::int AS n');
  });
});
