import { createKafka, ensureTopics } from '@rc/messaging';
import { requireKafka, testEnv, uniqueName } from '@rc/testing';
import type { Kafka, KafkaMessage } from 'kafkajs';

/** Consumer group timings small enough for tests (the broker's minimum session is 6 s). */
export const FAST_GROUP = {
  sessionTimeoutMs: 6_000,
  rebalanceTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
  maxWaitTimeMs: 250,
} as const;

/** A silent kafkajs client on the test broker. */
export function testKafka(): Kafka {
  return createKafka({ clientId: uniqueName('payment-int'), brokers: testEnv().kafkaBrokers });
}

/**
 * Unique topics (+ DLQs) for one test file; fails with "run `npm run infra:up`" when Kafka is
 * down. `remove` deletes them.
 */
export async function createTopics(kafka: Kafka, names: string[]) {
  await requireKafka();
  const topics = names.map((n) => uniqueName(`it-pay-${n}`));
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, topics, { partitions: 1 });
  } finally {
    await admin.disconnect();
  }
  return {
    topics,
    remove: () => deleteTopics(topics.flatMap((t) => [t, `${t}.dlq`])),
  };
}

/** Deletes topics a test created (missing ones are ignored). */
export async function deleteTopics(topics: string[]): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
}

/** Polls `check` every 50 ms until it holds; throws after `ms`. */
export async function waitFor(
  check: () => Promise<boolean>,
  ms: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every message currently in `topic`, partition by partition in offset order. */
export async function readAll(kafka: Kafka, topic: string): Promise<KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.filter((p) => p.high !== p.low).map((p) => [p.partition, p.high]));
  if (remaining.size === 0) return [];
  const byPartition = new Map<number, KafkaMessage[]>();
  const consumer = kafka.consumer({
    groupId: uniqueName('reader'),
    sessionTimeout: FAST_GROUP.sessionTimeoutMs,
    rebalanceTimeout: FAST_GROUP.rebalanceTimeoutMs,
    heartbeatInterval: FAST_GROUP.heartbeatIntervalMs,
    maxWaitTimeInMs: FAST_GROUP.maxWaitTimeMs,
  });
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      byPartition.set(partition, [...(byPartition.get(partition) ?? []), message]);
      if (BigInt(message.offset) + 1n >= BigInt(remaining.get(partition) ?? '0')) {
        remaining.delete(partition);
      }
      if (remaining.size === 0) done();
    },
  });
  const timer = setTimeout(done, 20_000);
  await finished;
  clearTimeout(timer);
  await consumer.disconnect();
  return [...byPartition.keys()].sort().flatMap((p) => byPartition.get(p)!);
}
