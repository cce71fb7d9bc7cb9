import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { EVENT_REGISTRY, parseEvent, type EventEnvelope } from '@rc/contracts';
import type { Kafka, Producer } from 'kafkajs';
import { injectTraceContext, messagingTracer } from '../observability/trace-context';
import { createIdempotentProducer } from './kafka-client.factory';
import { encodeEvent } from './message-codec';

/**
 * Publishes events straight to Kafka, without an outbox: for producers that own no database and
 * whose events are best-effort (the cart service). A failed `publish` rejects, and the event is
 * gone unless the caller retries; services with a database use `outbox.add` instead. Each event
 * is validated (like `outbox.add`) and sent in a producer span whose context goes into the
 * message headers.
 */
export class EventPublisher {
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;

  constructor(kafka: Kafka) {
    this.producer = createIdempotentProducer(kafka, { retries: 2 });
  }

  /** Sends `event` (acks=all) to its registered topic or `options.topic`. */
  async publish(event: EventEnvelope, options: { topic?: string } = {}): Promise<void> {
    const parsed = parseEvent(event);
    if (!parsed.ok) throw parsed.error;
    const topic = options.topic ?? EVENT_REGISTRY[parsed.event.type].topic;
    this.connected ??= this.producer.connect().catch((e: unknown) => {
      this.connected = undefined;
      throw e;
    });
    await this.connected;
    const span = messagingTracer().startSpan(`${topic} publish`, {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'publish',
        'messaging.destination.name': topic,
        'messaging.message.id': event.id,
      },
    });
    const carrier = injectTraceContext(trace.setSpan(context.active(), span));
    try {
      await this.producer.send({ topic, acks: -1, messages: [encodeEvent(parsed.event, carrier)] });
    } catch (e) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(e) });
      throw e;
    } finally {
      span.end();
    }
  }

  /** Disconnects the producer. */
  async disconnect(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = undefined;
  }
}
