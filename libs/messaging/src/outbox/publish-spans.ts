import type { EventEnvelope } from '@rc/contracts';
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import {
  extractTraceContext,
  injectTraceContext,
  messagingTracer,
} from '../observability/trace-context';

/**
 * One producer span per outbox row, a child of the trace stored with the row (the request that
 * wrote it), so the trace runs request → publish → consume. `carriers[i]` is row i's producer
 * span context, sent as Kafka headers. All no-ops without an OpenTelemetry SDK.
 */
export function publishSpans(
  rows: { topic: string; payload: EventEnvelope; headers: Record<string, string> }[],
): {
  carriers: Record<string, string>[];
  end: (error?: unknown) => void;
} {
  const tracer = messagingTracer();
  const spans: Span[] = [];
  const carriers = rows.map((row) => {
    const parent = extractTraceContext(row.headers);
    const span = tracer.startSpan(
      `${row.topic} publish`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'publish',
          'messaging.destination.name': row.topic,
          'messaging.message.id': row.payload.id,
          'messaging.kafka.message.key': row.payload.key,
        },
      },
      parent,
    );
    spans.push(span);
    return injectTraceContext(trace.setSpan(parent, span));
  });
  return {
    carriers,
    end: (error?: unknown) => {
      for (const span of spans) {
        if (error !== undefined) {
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: error instanceof Error ? error.message : 'publish failed',
          });
        }
        span.end();
      }
    },
  };
}
