import type { EventEnvelope } from '@rc/contracts';
import { createIdempotentProducer, encodeEvent } from '@rc/messaging';
import type { Kafka, Producer } from 'kafkajs';
import type { EventBatchSender } from './event-batch-sender';

/**
 * Sends batches with one idempotent producer (`acks: -1`) as a single produce request; the
 * trace context captured when each event was recorded travels in its headers. Connects lazily
 * and reconnects after a failed connect, so a broker that is down at start-up is no obstacle.
 * (`EventPublisher` of @rc/messaging sends one event per request, hence this small adapter.)
 */
export class KafkaEventBatchSender implements EventBatchSender {
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    retries = 1,
  ) {
    this.producer = createIdempotentProducer(kafka, { retries });
  }

  async send(events: readonly EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    this.connected ??= this.producer.connect().catch((e: unknown) => {
      this.connected = undefined;
      throw e;
    });
    await this.connected;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: events.map((event) => encodeEvent(event)),
    });
  }

  async close(): Promise<void> {
    const connecting = this.connected;
    this.connected = undefined;
    if (connecting) await this.producer.disconnect().catch(() => undefined);
  }
}
