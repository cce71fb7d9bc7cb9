import { requireKafka, uniqueName } from '@rc/testing';
import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { ensureTopics } from '../../src';
import { testKafka } from './support/kafka-fixture';

describe('ensureTopics', () => {
  const kafka = testKafka();
  let admin: Admin;
  const created: string[] = [];

  beforeAll(async () => {
    await requireKafka();
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await admin.disconnect();
  });

  it('when topics are ensured, then each gets 3 partitions and a 1-partition DLQ with long retention', async () => {
    // Arrange
    const topics = [uniqueName('it-orders'), uniqueName('it-payments')];
    created.push(...topics, ...topics.map((t) => `${t}.dlq`));

    // Act
    const result = await ensureTopics(admin, topics);

    // Assert
    expect(result.created.sort()).toEqual([...topics, ...topics.map((t) => `${t}.dlq`)].sort());
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics: created });
    const partitions = Object.fromEntries(metadata.map((t) => [t.name, t.partitions.length]));
    expect(partitions).toEqual(
      Object.fromEntries(
        topics.flatMap((t) => [
          [t, 3],
          [`${t}.dlq`, 1],
        ]),
      ),
    );
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: `${topics[0]}.dlq`,
          configNames: ['retention.ms'],
        },
      ],
    });
    expect(configs.resources[0]!.configEntries[0]!.configValue).toBe(String(14 * 24 * 3600_000));
  });

  it('when ensured again, concurrently, then nothing fails and everything is reported existing', async () => {
    const topic = uniqueName('it-carts');
    created.push(topic, `${topic}.dlq`);
    await ensureTopics(admin, [topic]);

    const results = await Promise.all([ensureTopics(admin, [topic]), ensureTopics(admin, [topic])]);

    expect(results.map((r) => r.created)).toEqual([[], []]);
    expect(results[0]?.existing.sort()).toEqual([topic, `${topic}.dlq`].sort());
  });

  it('when two replicas race to create the same new topic, then both succeed', async () => {
    const topic = uniqueName('it-race');
    created.push(topic, `${topic}.dlq`);
    const other = kafka.admin();
    await other.connect();

    const results = await Promise.all([ensureTopics(admin, [topic]), ensureTopics(other, [topic])]);
    await other.disconnect();

    expect(results.flatMap((r) => r.created).sort()).toEqual(expect.arrayContaining([topic]));
    const { topics: metadata } = await admin.fetchTopicMetadata({
      topics: [topic, `${topic}.dlq`],
    });
    expect(metadata.every((t) => t.partitions.every((p) => p.leader >= 0))).toBe(true);
  });
});
