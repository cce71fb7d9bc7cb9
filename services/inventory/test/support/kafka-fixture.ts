import { createKafka, ensureTopics } from '@rc/messaging';
import { createTestTopics, testEnv, uniqueName, type TestTopics } from '@rc/testing';
import type { Kafka } from 'kafkajs';

/** A silent kafkajs client on the test broker, built as the service builds its own. */
export function testKafka(): Kafka {
  return createKafka({ clientId: uniqueName('inventory-int'), brokers: testEnv().kafkaBrokers });
}

/**
 * Unique one-partition topics (+ DLQs) for one test file; fails with "run `npm run infra:up`"
 * when Kafka is down. `remove` deletes them.
 */
export function createTopics(kafka: Kafka, names: string[]): Promise<TestTopics> {
  return createTestTopics(kafka, names, { ensure: ensureTopics, prefix: 'it-inv' });
}
