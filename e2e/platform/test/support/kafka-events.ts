import { Kafka, logLevel } from 'kafkajs';
import { testEnv } from '@rc/testing';

/** A decoded message of a topic. */
export interface TopicMessage {
  key: string;
  value: { id: string; type: string; key: string; data: Record<string, unknown> };
}

/**
 * Reads every message of `topic` from offset 0 to the current end (a fresh consumer group, no
 * commit): the e2e suites check what was published without depending on any service's consumer.
 */
export async function readTopic(topic: string): Promise<TopicMessage[]> {
  const kafka = new Kafka({
    clientId: 'e2e-reader',
    brokers: testEnv().kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(
    ends.filter((p) => Number(p.high) > 0).map((p) => [p.partition, Number(p.high)]),
  );
  const messages: TopicMessage[] = [];
  if (remaining.size === 0) return messages;
  const consumer = kafka.consumer({
    groupId: `e2e-reader-${Date.now()}-${Math.random()}`,
    sessionTimeout: 10_000,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`reading ${topic} timed out`)), 30_000);
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        messages.push({
          key: message.key?.toString() ?? '',
          value: JSON.parse(message.value?.toString() ?? '{}') as TopicMessage['value'],
        });
        if (Number(message.offset) + 1 >= (remaining.get(partition) ?? 0))
          remaining.delete(partition);
        if (remaining.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return messages;
}

/**
 * Resolves once consumer group `groupId` has committed every message of `topic` that exists now
 * (lag 0 on each partition): a baseline taken after this is not moved by an older backlog.
 */
export async function waitForGroupCaughtUp(
  groupId: string,
  topic: string,
  timeoutMs = 60_000,
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'e2e-lag',
    brokers: testEnv().kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const behind = ends.filter((end) => {
        const c = committed?.partitions.find((p) => p.partition === end.partition);
        return Number(end.high) > Math.max(0, Number(c?.offset ?? -1));
      });
      if (behind.length === 0) return;
      if (Date.now() > deadline)
        throw new Error(`${groupId} still behind on ${topic} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await admin.disconnect();
  }
}
