import { redrive, type MessagingLogger } from '@rc/messaging';
import type { Kafka } from 'kafkajs';
import type { DeadLetterRedriver } from '../domain/analytics.ports';

/** Redrive through the messaging lib (`redrive`: re-publish, then commit each DLQ offset). */
export class KafkaDeadLetterRedriver implements DeadLetterRedriver {
  constructor(
    private readonly kafka: Kafka,
    private readonly timeoutMs: number,
    private readonly logger?: MessagingLogger,
  ) {}

  async redrive(dlqTopic: string, limit: number) {
    return redrive(this.kafka, dlqTopic, {
      limit,
      timeoutMs: this.timeoutMs,
      ...(this.logger ? { logger: this.logger } : {}),
    });
  }
}
