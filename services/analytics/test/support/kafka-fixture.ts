import { createKafka, ensureTopics, headersToRecord } from '@rc/messaging';
import { createTestTopics, readMessages, testEnv, uniqueName, type TestTopics } from '@rc/testing';
import type { Kafka } from 'kafkajs';

/** A kafkajs client on the test broker, built as the service builds its own. */
export function testKafka(): Kafka {
  return createKafka({ clientId: uniqueName('analytics-it'), brokers: testEnv().kafkaBrokers });
}

/**
 * Topics (and their DLQs) no other run uses, one per name; `remove` deletes them all. Two
 * partitions each, so the consumer's per-partition ordering is exercised.
 */
export function createTopics(kafka: Kafka, names: string[]): Promise<TestTopics> {
  return createTestTopics(kafka, names, { ensure: ensureTopics, partitions: 2 });
}

/** The headers of the first `count` messages of a single-partition topic such as a DLQ. */
export async function readHeaders(kafka: Kafka, topic: string, count: number) {
  const messages = await readMessages(kafka, topic, count);
  return messages.map((message) => headersToRecord(message.headers));
}
