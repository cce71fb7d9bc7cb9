import { createKafka, ensureTopics } from '@rc/messaging';
import { createTestTopics, testEnv, uniqueName } from '@rc/testing';
import type { Kafka } from 'kafkajs';

/** A kafkajs client on the test broker, built as the service builds its own. */
export function testKafka(): Kafka {
  return createKafka({ clientId: uniqueName('reco-it'), brokers: testEnv().kafkaBrokers });
}

/** A one-partition topic (and its DLQ) no other run uses; `remove` deletes both. */
export async function createTopic(kafka: Kafka, name: string) {
  const { topics, remove } = await createTestTopics(kafka, [name], { ensure: ensureTopics });
  return { topic: topics[0]!, remove };
}
