import { createKafka, ensureTopics, headersToRecord } from '@rc/messaging';
import { requireKafka, testEnv, uniqueName, closedPort } from '@rc/testing';
import type { Kafka } from 'kafkajs';

/** A kafkajs client on the test broker. */
export function testKafka(): Kafka {
  return createKafka({ clientId: uniqueName('cart-it'), brokers: testEnv().kafkaBrokers });
}

/**
 * A kafkajs client aimed at a local port nothing listens on: connections are refused at once,
 * as when the broker is down. The shared test broker is never touched.
 */
export async function unreachableKafka(): Promise<Kafka> {
  const port = await closedPort();
  return createKafka({
    clientId: uniqueName('cart-it-down'),
    brokers: [`127.0.0.1:${port}`],
    connectionTimeoutMs: 500,
    retry: { retries: 0 },
  });
}

/** A topic (and its DLQ) no other run uses; `remove` deletes both. */
export async function createTopic(kafka: Kafka, name: string) {
  await requireKafka();
  const topic = uniqueName(`it-${name}`);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, [topic], { partitions: 1 });
  } finally {
    await admin.disconnect();
  }
  return {
    topic,
    remove: async () => {
      const cleanup = kafka.admin();
      await cleanup.connect();
      await cleanup.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
      await cleanup.disconnect();
    },
  };
}

/** Reads `count` messages from the start of `topic` (fails after `timeoutMs`). */
export async function readMessages(kafka: Kafka, topic: string, count: number, timeoutMs = 15_000) {
  const groupId = uniqueName('reader');
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  const seen: Array<{ key: string; value: unknown; headers: Record<string, string> }> = [];
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({
          key: message.key?.toString() ?? '',
          value: JSON.parse(message.value?.toString() ?? 'null'),
          headers: headersToRecord(message.headers),
        });
        if (seen.length >= count) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      finished,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`only ${seen.length}/${count} messages in ${topic}`)),
          timeoutMs,
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
