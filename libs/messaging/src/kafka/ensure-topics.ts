import { dlqTopicOf } from '@rc/contracts';
import type { Admin, ITopicConfig } from 'kafkajs';

/** Options of {@link ensureTopics}. */
export interface EnsureTopicsOptions {
  /** Partitions of each domain topic (default 3: parallelism per consumer group). */
  partitions?: number;
  /** Partitions of each dead-letter topic (default 1: low volume, read in order by redrive). */
  dlqPartitions?: number;
  /** Replication factor (default 1 for the single-node dev broker; 3 in production). */
  replicationFactor?: number;
  /** Retention of dead-letter topics, in ms (default 14 days: time for a human to look). */
  dlqRetentionMs?: number;
}

/** What {@link ensureTopics} did. */
export interface EnsureTopicsResult {
  /** Topics this call created. */
  created: string[];
  /** Topics that already existed. */
  existing: string[];
}

/**
 * Creates each topic and its `<topic>.dlq` unless they exist (auto topic creation is off on the
 * brokers). Idempotent and safe to race: replicas starting together may all call it; losing a
 * TOPIC_ALREADY_EXISTS race is not an error. Waits until every partition has a leader, so a
 * producer or consumer started right after does not hit LEADER_NOT_AVAILABLE.
 */
export async function ensureTopics(
  admin: Admin,
  topics: readonly string[],
  options: EnsureTopicsOptions = {},
): Promise<EnsureTopicsResult> {
  const replicationFactor = options.replicationFactor ?? 1;
  const wanted: ITopicConfig[] = topics.flatMap((topic) => [
    { topic, numPartitions: options.partitions ?? 3, replicationFactor },
    {
      topic: dlqTopicOf(topic),
      numPartitions: options.dlqPartitions ?? 1,
      replicationFactor,
      configEntries: [
        { name: 'retention.ms', value: String(options.dlqRetentionMs ?? 14 * 24 * 3600_000) },
      ],
    },
  ]);
  const present = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !present.has(t.topic));
  // Resolves false (instead of throwing) when every failure is TOPIC_ALREADY_EXISTS: a race
  // with another replica. Leaders are awaited below either way.
  if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
  await waitForLeaders(
    admin,
    wanted.map((t) => t.topic),
  );
  const created = missing.map((t) => t.topic);
  return { created, existing: wanted.map((t) => t.topic).filter((t) => !created.includes(t)) };
}

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const ready = metadata.every((t) => t.partitions.every((p) => p.leader >= 0));
      if (ready && metadata.length === topics.length) return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    if (Date.now() > deadline) throw new Error(`topics have no leader yet: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
