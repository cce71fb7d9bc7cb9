import { createKafka, ensureTopics, headersToRecord } from '@rc/messaging';
import { requireKafka, testEnv, uniqueName } from '@rc/testing';
import type { Kafka } from 'kafkajs';

/** A kafkajs client on the test broker. */
export function testKafka(): Kafka {
  return createKafka({ clientId: uniqueName('analytics-it'), brokers: testEnv().kafkaBrokers });
}

/** Topics (and their DLQs) no other run uses, one per name; `remove` deletes them all. */
export async function createTopics(kafka: Kafka, names: string[]) {
  await requireKafka();
  const topics = names.map((name) => uniqueName(`it-${name}`));
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, topics, { partitions: 2 });
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

/** Messages in `topic` now (end − start offsets over its partitions). */
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

/** The headers of every message in a single-partition topic such as a DLQ. */
export async function readHeaders(kafka: Kafka, topic: string, count: number) {
  const groupId = uniqueName('reader');
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  const seen: Array<Record<string, string>> = [];
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(headersToRecord(message.headers));
        if (seen.length >= count) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      finished,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`only ${seen.length}/${count} in ${topic}`)),
          15_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    return seen;
  } finally {
    await consumer.disconnect();
    await deleteGroups(kafka, [groupId]);
  }
}

/** Deletes consumer groups a test created (members must have left); failures are ignored. */
export async function deleteGroups(kafka: Kafka, groups: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups(groups).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
