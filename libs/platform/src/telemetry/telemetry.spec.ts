import { SpanKind } from '@opentelemetry/api';
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
});
