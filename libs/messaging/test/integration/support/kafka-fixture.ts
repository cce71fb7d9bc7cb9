import { createTestTopics, testEnv, uniqueName, withAdmin, type TestTopics } from '@rc/testing';
import type { Kafka } from 'kafkajs';
import { createKafka, ensureTopics } from '../../../src';

/** A kafkajs client on the test broker that logs nothing. */
export function testKafka(): Kafka {
  return createKafka({ clientId: uniqueName('messaging-int'), brokers: testEnv().kafkaBrokers });
}

/** Unique domain topics (+ their DLQs) for one test file, deleted by `remove`. */
export function createTopics(kafka: Kafka, names: string[], partitions = 3): Promise<TestTopics> {
  return createTestTopics(kafka, names, { ensure: ensureTopics, partitions });
}

/** Committed offset of `group` on each partition of `topic` (-1 when none). */
export async function committedOffsets(kafka: Kafka, group: string, topic: string) {
  const [result] = await withAdmin(kafka, (admin) =>
    admin.fetchOffsets({ groupId: group, topics: [topic] }),
  );
  return Object.fromEntries((result?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}
