import { createKafka, ensureTopics } from '@rc/messaging';
import { createTestTopics, testEnv, uniqueName } from '@rc/testing';
import type { Kafka } from 'kafkajs';

/** A kafkajs client on the test broker, built as the service builds its own. */
export function testKafka(): Kafka {
  return createKafka({ clientId: uniqueName('reco-it'), brokers: testEnv().kafkaBrokers });
}

/** A topic of `partitions` partitions (one by default) and its DLQ, no other run uses; `remove` deletes both. */
export async function createTopic(kafka: Kafka, name: string, partitions = 1) {
  const { topics, remove } = await createTestTopics(kafka, [name], {
    ensure: ensureTopics,
    partitions,
  });
  return { topic: topics[0]!, remove };
}
