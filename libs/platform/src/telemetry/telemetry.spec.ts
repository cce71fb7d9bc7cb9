import { SpanKind } from '@opentelemetry/api';
import { INTERCEPTOR_TRACE_ID } from '../../test/fixtures/demo.module';
import { startDemo } from '../../test/fixtures/start-demo';

describe('tracing', () => {
  it('when a request arrives with a traceparent, then a SERVER span named by route continues that trace', async () => {
    const demo = await startDemo();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    try {
      await fetch(`${demo.url}/v1/items/9`, {
        headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      });
      await new Promise((r) => setTimeout(r, 50));

      const span = demo.spans.getFinishedSpans().find((s) => s.name === 'GET /v1/items/:id');
      expect(span).toBeDefined();
      expect(span!.kind).toBe(SpanKind.SERVER);
      expect(span!.spanContext().traceId).toBe(traceId);
      expect(span!.attributes).toMatchObject({
        'http.route': '/v1/items/:id',
        'http.response.status_code': 200,
      });
      const handlerLog = demo.logs.find((l) => l.msg === 'item read');
      expect(handlerLog?.trace_id).toBe(traceId);
    } finally {
      await demo.service.shutdown('test');
    }
  });

  it("when a service's own global interceptor runs, then the request's server span is already active in it", async () => {
    // Arrange: the resilience adapter's interceptors (shedding, rate limit, faults) are such
    // interceptors, and record their decisions on the active span
    const demo = await startDemo();
    const traceId = 'a3ce929d0e0e47364bf92f3577b34da6';
    try {
      // Act
      const res = await fetch(`${demo.url}/v1/items/3`, {
        headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      });

      // Assert
      expect(res.status).toBe(200);
      expect(res.headers.get(INTERCEPTOR_TRACE_ID)).toBe(traceId);
    } finally {
      await demo.service.shutdown('test');
    }
  });

  it('when the sampling ratio is 0, then a new trace is not recorded but a sampled caller is followed', async () => {
    // Arrange
    const demo = await startDemo({ OTEL_SAMPLING_RATIO: '0' });
    const traceId = '0e0e47364bf92f3577b34da6a3ce929d';
    try {
      // Act
      await fetch(`${demo.url}/v1/items/1`);
      await fetch(`${demo.url}/v1/items/2`, {
        headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      });
      await new Promise((r) => setTimeout(r, 50));

      // Assert
      const recorded = demo.spans.getFinishedSpans().filter((s) => s.name === 'GET /v1/items/:id');
      expect(recorded.map((s) => s.spanContext().traceId)).toEqual([traceId]);
    } finally {
      await demo.service.shutdown('test');
    }
  });

  it('when health is probed and metrics are scraped, then no span is recorded', async () => {
    // Arrange
    const demo = await startDemo();
    try {
      // Act
      for (const path of ['/health/live', '/health/ready', '/metrics']) {
        await fetch(`${demo.url}${path}`);
      }
      await fetch(`${demo.url}/v1/items/4`);
      await new Promise((r) => setTimeout(r, 50));

      // Assert
      expect(demo.spans.getFinishedSpans().map((s) => s.name)).toEqual(['GET /v1/items/:id']);
    } finally {
      await demo.service.shutdown('test');
    }
  });
});
