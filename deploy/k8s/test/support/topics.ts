/**
 * The Kafka topics the services create, and how: topic names from the services' config defaults
 * (`*_TOPIC`, `*_TOPICS`) and their `TOPICS.<name>` references, then libs/messaging's own
 * ensureTopics run against a recording fake admin, so partitions, dead-letter topics and their
 * settings come from the code that creates them.
 */
import { readFileSync } from 'node:fs';
import { TOPICS } from '@rc/contracts';
import { ensureTopics } from '@rc/messaging';
import { serviceSources, services } from './code-facts';

/** A topic as ensureTopics asks Kafka for it. */
export interface CreatedTopic {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  configEntries?: { name: string; value: string }[];
}

/** Domain topic names the services use, with where each came from. */
export function topicNames(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (topic: string, where: string) =>
    found.set(topic, [...(found.get(topic) ?? []), where]);
  for (const s of services()) {
    for (const [key, value] of Object.entries(s.defaults))
      if (/_TOPICS?$/.test(key))
        for (const t of Array.isArray(value) ? value : [value]) add(String(t), `${s.name}.${key}`);
    for (const file of serviceSources(s.name))
      for (const m of readFileSync(file, 'utf8').matchAll(/\bTOPICS\.(\w+)/g)) {
        const topic = (TOPICS as Record<string, string>)[m[1]!];
        if (!topic) throw new Error(`${file}: TOPICS.${m[1]} is not a topic`);
        add(topic, `${s.name} source`);
      }
  }
  return found;
}

/** Every topic (and dead-letter topic) ensureTopics creates for the names above. */
export async function topicsTheCodeCreates(): Promise<CreatedTopic[]> {
  const created: CreatedTopic[] = [];
  const admin = {
    listTopics: async () => [],
    createTopics: async ({ topics }: { topics: CreatedTopic[] }) => {
      created.push(...topics);
      return true;
    },
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
      topics: topics.map((name) => ({ name, partitions: [{ partitionId: 0, leader: 0 }] })),
    }),
  };
  await ensureTopics(admin as unknown as Parameters<typeof ensureTopics>[0], [
    ...topicNames().keys(),
  ]);
  return created;
}
