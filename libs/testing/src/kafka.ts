import type { Admin, ConsumerConfig, Kafka, KafkaMessage } from 'kafkajs';
import { requireKafka } from './require-infra';
import { uniqueName } from './unique-name';
import { withTimeout } from './wait-for';

/**
 * Consumer group timings small enough for tests (the broker's minimum session is 6 s, its
 * default 45 s would make every rebalance slow). The keys are the messaging lib's consumer
 * option names, so `...FAST_GROUP` fits an `EventConsumer`'s options as it is.
 */
export const FAST_GROUP = {
  sessionTimeoutMs: 6_000,
  rebalanceTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
  maxWaitTimeMs: 250,
} as const;

/** {@link FAST_GROUP} as a kafkajs consumer config for `groupId`. */
export function fastConsumerConfig(groupId: string): ConsumerConfig {
  return {
    groupId,
    sessionTimeout: FAST_GROUP.sessionTimeoutMs,
    rebalanceTimeout: FAST_GROUP.rebalanceTimeoutMs,
    heartbeatInterval: FAST_GROUP.heartbeatIntervalMs,
    maxWaitTimeInMs: FAST_GROUP.maxWaitTimeMs,
  };
}

/** Runs `fn` with a connected admin client of `kafka`; the client is disconnected either way. */
export async function withAdmin<T>(kafka: Kafka, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Creates topics as a service would: `@rc/messaging`'s `ensureTopics` fits (each topic and its
 * dead-letter topic). Passed in because @rc/testing sits below @rc/messaging: the messaging
 * lib's own tests depend on this package, so it cannot import that lib back.
 */
export type EnsureTestTopics = (
  admin: Admin,
  topics: string[],
  options: { partitions: number },
) => Promise<{ created: string[] }>;

/** Options of {@link createTestTopics}. */
export interface TestTopicsOptions {
  /** Creates the topics (see {@link EnsureTestTopics}). */
  ensure: EnsureTestTopics;
  /** Start of each topic name, before the name given and a unique suffix (default `it`). */
  prefix?: string;
  /** Partitions of each topic (default 1: one partition keeps every message in order). */
  partitions?: number;
}

/** Topics one test file owns. */
export interface TestTopics {
  /** The unique topic names, in the order of the names asked for. */
  topics: string[];
  /** Deletes the topics and every other topic `ensure` created with them (their DLQs). */
  remove(): Promise<void>;
}

/**
 * Topics no other run uses, one per name (`<prefix>-<name>-<unique>`). Fails, never skips, with
 * "run `npm run infra:up`" when Kafka is down.
 */
export async function createTestTopics(
  kafka: Kafka,
  names: string[],
  options: TestTopicsOptions,
): Promise<TestTopics> {
  await requireKafka();
  const topics = names.map((name) => uniqueName(`${options.prefix ?? 'it'}-${name}`));
  const { created } = await withAdmin(kafka, (admin) =>
    options.ensure(admin, topics, { partitions: options.partitions ?? 1 }),
  );
  return { topics, remove: () => deleteTopics(kafka, [...new Set([...topics, ...created])]) };
}

/** Deletes topics a test created; missing ones and failures are ignored (it is clean-up). */
export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  await withAdmin(kafka, (admin) => admin.deleteTopics({ topics }).catch(() => undefined));
}

/** Deletes consumer groups a test created (members must have left); failures are ignored. */
export async function deleteGroups(kafka: Kafka, groups: string[]): Promise<void> {
  await withAdmin(kafka, (admin) => admin.deleteGroups(groups).catch(() => undefined));
}

/** Messages in `topic` now: the sum over its partitions of end minus start offset. */
export async function messageCount(kafka: Kafka, topic: string): Promise<number> {
  const offsets = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic));
  return offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
}

/**
 * Every message in `topic` right now, partition by partition in offset order: the end offsets
 * are taken first, then read up to with a throw-away consumer group. Rejects after `timeoutMs`.
 */
export async function readAll(
  kafka: Kafka,
  topic: string,
  timeoutMs = 20_000,
): Promise<KafkaMessage[]> {
  const ends = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic));
  const remaining = new Map(
    ends.filter((p) => p.high !== p.low).map((p) => [p.partition, BigInt(p.high)]),
  );
  if (remaining.size === 0) return [];
  const byPartition = new Map<number, KafkaMessage[]>();
  await consumeUntil(kafka, topic, timeoutMs, `every message in ${topic}`, (partition, message) => {
    byPartition.set(partition, [...(byPartition.get(partition) ?? []), message]);
    if (BigInt(message.offset) + 1n >= (remaining.get(partition) ?? 0n)) {
      remaining.delete(partition);
    }
    return remaining.size === 0;
  });
  return [...byPartition.keys()]
    .sort((a, b) => a - b)
    .flatMap((partition) => byPartition.get(partition) ?? []);
}

/**
 * The first `count` messages of `topic` from its start, in the order they arrive (offset order
 * within a partition), read with a throw-away consumer group. Rejects after `timeoutMs`, saying
 * how many arrived.
 */
export async function readMessages(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 15_000,
): Promise<KafkaMessage[]> {
  const seen: KafkaMessage[] = [];
  await consumeUntil(
    kafka,
    topic,
    timeoutMs,
    () => `only ${seen.length}/${count} messages in ${topic}`,
    (_partition, message) => seen.push(message) >= count,
  );
  return seen;
}

/**
 * Consumes `topic` from its start until `onMessage` says it has enough, then leaves and deletes
 * the group, so readers leave no trace on the shared broker.
 */
async function consumeUntil(
  kafka: Kafka,
  topic: string,
  timeoutMs: number,
  what: string | (() => string),
  onMessage: (partition: number, message: KafkaMessage) => boolean,
): Promise<void> {
  const groupId = uniqueName('reader');
  const consumer = kafka.consumer(fastConsumerConfig(groupId));
  let enough = false;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        // Messages fetched in the same batch keep arriving until the consumer stops.
        if (enough) return;
        enough = onMessage(partition, message);
        if (enough) done();
      },
    });
    await withTimeout(finished, timeoutMs, what);
  } finally {
    await consumer.disconnect();
    await deleteGroups(kafka, [groupId]);
  }
}
