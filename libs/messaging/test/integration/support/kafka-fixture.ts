import { requireKafka, testEnv, uniqueName } from '@rc/testing';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { createKafka, ensureTopics } from '../../../src';

/** Consumer group timings small enough for tests (the broker's minimum session is 6 s). */
export const FAST_GROUP = {
  sessionTimeoutMs: 6_000,
  rebalanceTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
  maxWaitTimeMs: 250,
} as const;

/** A kafkajs client on the test broker that logs nothing. */
export function testKafka(): Kafka {
  return createKafka({ clientId: uniqueName('messaging-int'), brokers: testEnv().kafkaBrokers });
}

/** Unique domain topics (+ their DLQs) for one test file, deleted by `remove`. */
export async function createTopics(kafka: Kafka, names: string[], partitions = 3) {
  await requireKafka();
  const topics = names.map((n) => uniqueName(`it-${n}`));
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, topics, { partitions });
  } finally {
    await admin.disconnect();
  }
  return {
    topics,
    remove: async () => {
      const cleanup = kafka.admin();
      await cleanup.connect();
      await cleanup
        .deleteTopics({ topics: topics.flatMap((t) => [t, `${t}.dlq`]) })
        .catch(() => undefined);
      await cleanup.disconnect();
    },
  };
}

/** Number of messages currently in `topic` (sum over partitions of end - start offsets). */
export async function messageCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Committed offset of `group` on each partition of `topic` (-1 when none). */
export async function committedOffsets(kafka: Kafka, group: string, topic: string) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [result] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return Object.fromEntries(
      (result?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]),
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every message in `topic` right now, partition by partition in offset order: reads with a
 * throw-away consumer group until each partition's end offset (taken first) is reached.
 */
export async function readAll(kafka: Kafka, topic: string): Promise<KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.filter((p) => p.high !== p.low).map((p) => [p.partition, p.high]));
  if (remaining.size === 0) return [];
  const byPartition = new Map<number, KafkaMessage[]>();
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), ...groupTimings() });
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
  await withTimeout(finished, 20_000, `reading ${topic}`);
  await consumer.disconnect();
  return [...byPartition.keys()].sort().flatMap((p) => byPartition.get(p)!);
}

function groupTimings() {
  return {
    sessionTimeout: FAST_GROUP.sessionTimeoutMs,
    rebalanceTimeout: FAST_GROUP.rebalanceTimeoutMs,
    heartbeatInterval: FAST_GROUP.heartbeatIntervalMs,
    maxWaitTimeInMs: FAST_GROUP.maxWaitTimeMs,
  };
}

/** Rejects with a clear message when `promise` takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` until it returns true (or throws after `ms`). */
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
