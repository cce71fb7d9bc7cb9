import { SpanKind, type Context, type Span } from '@opentelemetry/api';
import type { DomainEvent } from '@rc/contracts';
import type { KafkaMessage } from 'kafkajs';
import { extractTraceContext, messagingTracer } from '../observability/trace-context';

/**
 * The CONSUMER span of one message, a child of the producer span carried in its headers (or,
 * for a message without them, of the trace stored in the envelope), so one trace runs
 * request → publish → consume. Returns the span and the context it is the active span of.
 */
export function startConsumerSpan(
  where: { topic: string; partition: number; group: string },
  message: KafkaMessage,
  event: DomainEvent,
  headers: Record<string, string>,
): { span: Span; parent: Context } {
  const parent = extractTraceContext(headers.traceparent ? headers : { ...event.trace });
  const span = messagingTracer().startSpan(
    `${where.topic} process`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': where.topic,
        'messaging.consumer.group.name': where.group,
        'messaging.destination.partition.id': String(where.partition),
        'messaging.kafka.offset': Number(message.offset),
        'messaging.message.id': event.id,
      },
    },
    parent,
  );
  return { span, parent };
}
