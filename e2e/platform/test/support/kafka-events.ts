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

/** A consumer group of the platform and the topics it consumes (service defaults). */
export interface ConsumerGroupTopics {
  groupId: string;
  topics: readonly string[];
}

/**
 * The consumer groups every platform run shares (the services' default group ids): a run that
 * leaves a backlog in them hands it to the next run's services.
 */
export const PLATFORM_CONSUMER_GROUPS: readonly ConsumerGroupTopics[] = [
  { groupId: 'inventory', topics: ['orders'] },
  { groupId: 'recommendations', topics: ['orders'] },
  { groupId: 'analytics', topics: ['orders', 'payments', 'inventory', 'carts'] },
];

/**
 * Resolves once every group has committed every message that exists now on its topics (lag 0
 * on each partition; topics that do not exist yet count as caught up): a baseline taken after
 * this is not moved by an older backlog. With `requireMembers`, a group also has to be `Stable`
 * with at least one member: committed offsets say nothing about whether a just-started service
 * has joined yet (a member an earlier run left behind holds the rebalance until its session
 * times out), and an event published before the join waits that long. Reports what is still
 * missing through `onProgress` every `progressEveryMs`; throws after `timeoutMs`.
 */
export async function waitForGroupsCaughtUp(
  groups: readonly ConsumerGroupTopics[],
  options: {
    timeoutMs: number;
    onProgress?: (message: string) => void;
    progressEveryMs?: number;
    requireMembers?: boolean;
  },
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'e2e-lag',
    brokers: testEnv().kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const ends = new Map<string, Awaited<ReturnType<typeof admin.fetchTopicOffsets>>>();
    for (const topic of new Set(groups.flatMap((g) => g.topics)))
      if (existing.has(topic)) ends.set(topic, await admin.fetchTopicOffsets(topic));
    const deadline = Date.now() + options.timeoutMs;
    let lastReport = Date.now();
    for (;;) {
      const lagging: string[] = [];
      for (const { groupId, topics } of groups) {
        const present = topics.filter((t) => ends.has(t));
        if (present.length === 0) continue;
        let lag = 0;
        for (const committed of await admin.fetchOffsets({ groupId, topics: present })) {
          for (const end of ends.get(committed.topic) ?? []) {
            const c = committed.partitions.find((p) => p.partition === end.partition);
            lag += Math.max(0, Number(end.high) - Math.max(0, Number(c?.offset ?? -1)));
          }
        }
        if (lag > 0) lagging.push(`${groupId} ${lag} behind`);
      }
      if (options.requireMembers) {
        const { groups: described } = await admin.describeGroups(groups.map((g) => g.groupId));
        for (const g of described)
          if (g.state !== 'Stable' || g.members.length === 0)
            lagging.push(`${g.groupId} not joined (${g.state}, ${g.members.length} members)`);
      }
      if (lagging.length === 0) return;
      if (Date.now() > deadline)
        throw new Error(
          `consumer groups still behind after ${options.timeoutMs} ms: ${lagging.join(', ')}`,
        );
      if (options.onProgress && Date.now() - lastReport >= (options.progressEveryMs ?? 10_000)) {
        lastReport = Date.now();
        options.onProgress(`waiting for the consumers to catch up: ${lagging.join(', ')}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await admin.disconnect();
  }
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
  await waitForGroupsCaughtUp([{ groupId, topics: [topic] }], { timeoutMs });
}
