import { randomBytes } from 'node:crypto';
import { call, checkoutBody, eventually, fresh } from './support/http';
import { OtlpReceiver } from './support/otlp-receiver';
import { E2EPlatform, START_TIMEOUT_MS } from './support/platform';

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

  it('when a checkout is placed, then one trace crosses checkout, inventory, payment, Kafka and analytics', async () => {
    const traceId = randomBytes(16).toString('hex');
    const product = await e2e.productWithStock(2);
    const { customerId, key } = fresh('traced');

    const res = await call('POST', e2e.url('checkout', '/v1/checkout'), {
      body: checkoutBody(customerId, [{ sku: product.sku, quantity: 1 }]),
      headers: {
        'idempotency-key': key,
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
    });
    expect(res.status).toBe(201);

    // Spans are exported in batches (every few seconds): wait for every hop's spans.
    const hops = ['checkout', 'inventory', 'payment', 'analytics'];
    const spans = await eventually(
      'the trace to reach every service',
      async () => {
        const t = receiver.trace(traceId);
        return hops.every((h) => t.some((s) => s.service === h)) ? t : undefined;
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
});
