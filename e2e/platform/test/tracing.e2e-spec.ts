import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { call, checkoutBody, eventually, fresh } from './support/http';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { E2EPlatform, START_TIMEOUT_MS } from './support/platform';

/** OTLP span kinds (the API's SpanKind + 1). */
const INTERNAL = 1;
const SERVER = 2;
const CLIENT = 3;

// One checkout is one trace: checkout → inventory → payment over HTTP, then → Kafka → analytics
// (and the other consumers), with every service exporting over OTLP like it would to a collector.
describe('distributed tracing', () => {
  const receiver = new OtlpReceiver();
  let e2e: E2EPlatform;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    const otel = {
      OTEL_ENABLED: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_SAMPLING_RATIO: '1',
    };
    e2e = new E2EPlatform(3160, {
      checkout: otel,
      inventory: otel,
      payment: otel,
      cart: otel,
      recommendations: otel,
      analytics: otel,
    });
    await e2e.start();
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await e2e.stop();
    await receiver.stop();
  }, 60_000);

  /** Places one checkout as part of a new trace, sampled by its caller or not; returns its id. */
  async function tracedCheckout(label: string, sampled = true): Promise<string> {
    const traceId = randomBytes(16).toString('hex');
    const product = await e2e.productWithStock(2);
    const { customerId, key } = fresh(label);
    const res = await call('POST', e2e.url('checkout', '/v1/checkout'), {
      body: checkoutBody(customerId, [{ sku: product.sku, quantity: 1 }]),
      headers: {
        'idempotency-key': key,
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-${sampled ? '01' : '00'}`,
      },
    });
    expect(res.status).toBe(201);
    return traceId;
  }

  it('when a checkout is placed, then one trace crosses checkout, inventory, payment, Kafka and analytics', async () => {
    const traceId = await tracedCheckout('traced');

    // Spans are exported in batches (every few seconds), a child possibly in an earlier batch
    // than its parent: wait for every hop's spans and for no span to wait on its parent.
    const hops = ['checkout', 'inventory', 'payment', 'analytics'];
    const spans = await eventually(
      'the trace to reach every service',
      async () => {
        const t = receiver.trace(traceId);
        const ids = new Set(t.map((s) => s.spanId));
        const orphans = t.filter((s) => s.parentSpanId && !ids.has(s.parentSpanId));
        const complete = orphans.every((s) => s.service === 'checkout');
        return complete && hops.every((h) => t.some((s) => s.service === h)) ? t : undefined;
      },
      45_000,
      500,
    );
    const services = new Set(spans.map((s) => s.service));
    expect([...services]).toEqual(
      expect.arrayContaining(['checkout', 'inventory', 'payment', 'analytics']),
    );
    // Every span of the trace hangs off another span of it (or the caller's parent): one tree.
    const ids = new Set(spans.map((s) => s.spanId));
    const roots = spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
    expect(roots.every((s) => s.service === 'checkout')).toBe(true);
    // The Kafka hop: a producer span (kind 4) and a consumer span (kind 5) in the trace.
    expect(spans.some((s) => s.kind === 4)).toBe(true);
    expect(spans.some((s) => s.kind === 5 && s.service === 'analytics')).toBe(true);
  });

  it('when a checkout is placed, then its trace shows the saga steps, a CLIENT span per call above the callee, and the database and Redis calls', async () => {
    const traceId = await tracedCheckout('traced-steps');

    const of = (spans: ReceivedSpan[], service: string, name: string, kind: number) =>
      spans.find((s) => s.service === service && s.name === name && s.kind === kind);
    const spans = await eventually(
      'the saga, client and database spans',
      async () => {
        const t = receiver.trace(traceId);
        const ready =
          of(t, 'checkout', 'saga.confirm_order', INTERNAL) &&
          of(t, 'inventory', 'POST /v1/reservations', SERVER) &&
          of(t, 'payment', 'POST /v1/payments', SERVER) &&
          t.some((s) => s.service === 'payment' && s.name.startsWith('pg.query'));
        return ready ? t : undefined;
      },
      45_000,
      500,
    );

    // Each remote saga step: saga span → checkout's CLIENT span → the callee's SERVER span.
    for (const [step, callee, route] of [
      ['saga.reserve_inventory', 'inventory', 'POST /v1/reservations'],
      ['saga.charge_payment', 'payment', 'POST /v1/payments'],
    ] as const) {
      const sagaSpan = of(spans, 'checkout', step, INTERNAL);
      const client = of(spans, 'checkout', route, CLIENT);
      const server = of(spans, callee, route, SERVER);
      expect(client?.parentSpanId).toBe(sagaSpan?.spanId);
      expect(server?.parentSpanId).toBe(client?.spanId);
    }
    // pg and ioredis calls made while serving the request are CLIENT spans of the trace
    // (the rate limiter's Redis script, the idempotency key and outbox rows in Postgres).
    const ids = new Set(spans.map((s) => s.spanId));
    const dataStore = spans.filter((s) => s.kind === CLIENT && /^(pg\.|eval)/.test(s.name));
    const stores = new Set(
      dataStore.map((s) => `${s.service} ${s.name.startsWith('pg.') ? 'postgres' : 'redis'}`),
    );
    expect([...stores]).toEqual(
      expect.arrayContaining([
        'checkout postgres',
        'checkout redis',
        'inventory postgres',
        'payment postgres',
      ]),
    );
    expect(dataStore.every((s) => s.parentSpanId && ids.has(s.parentSpanId))).toBe(true);
  });

  it("when a checkout's caller did not sample its trace, then no service records a span of it, and the services downstream log its trace id", async () => {
    // Act: the unsampled checkout, then a sampled one to know when the services have exported
    const unsampled = await tracedCheckout('unsampled', false);
    const sampled = await tracedCheckout('sampled-after');
    await eventually(
      'the later sampled trace to reach analytics',
      async () => receiver.trace(sampled).some((s) => s.service === 'analytics') || undefined,
      45_000,
      500,
    );

    // Assert: nothing of the unsampled trace anywhere, while its id went through every hop (the
    // callees' access lines carry the trace id their caller propagated)
    expect(receiver.trace(unsampled)).toEqual([]);
    for (const callee of ['inventory', 'payment'] as const) {
      const log = readFileSync(e2e.platform.service(callee).logFile, 'utf8');
      expect({ [callee]: log.includes(`"trace_id":"${unsampled}"`) }).toEqual({ [callee]: true });
    }
  });
});
