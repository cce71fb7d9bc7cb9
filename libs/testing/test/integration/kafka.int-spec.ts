import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import {
  createTestTopics,
  deleteGroups,
  type EnsureTestTopics,
  fastConsumerConfig,
  messageCount,
  readAll,
  readMessages,
  type TestTopics,
  testEnv,
  uniqueName,
  withAdmin,
} from '../../src';

/** What @rc/messaging's ensureTopics does, reduced: each topic plus a one-partition `.dlq`. */
const ensure: EnsureTestTopics = async (admin, topics, { partitions }) => {
  const wanted = topics.flatMap((topic) => [
    { topic, numPartitions: partitions },
    { topic: `${topic}.dlq`, numPartitions: 1 },
  ]);
  await admin.createTopics({ topics: wanted, waitForLeaders: true });
  return { created: wanted.map((t) => t.topic) };
};

describe('Kafka test helpers (real broker)', () => {
  const kafka = new Kafka({
    clientId: uniqueName('testing-int'),
    brokers: testEnv().kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  let producer: Producer;
  let owned: TestTopics;

  beforeAll(async () => {
    owned = await createTestTopics(kafka, ['spread', 'single'], {
      ensure,
      prefix: 'it-testing',
      partitions: 3,
    });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await owned?.remove();
  });

  const listTopics = () => withAdmin(kafka, (admin) => admin.listTopics());

  it('when topics are created, then each has a unique name, the partitions asked for and its DLQ', async () => {
    // Arrange
    const [spread, single] = owned.topics as [string, string];

    // Act
    const metadata = await withAdmin(kafka, (admin) =>
      admin.fetchTopicMetadata({ topics: [spread, `${spread}.dlq`] }),
    );

    // Assert
    expect(spread).toMatch(/^it-testing-spread-/);
    expect(single).toMatch(/^it-testing-single-/);
    const partitions = Object.fromEntries(
      metadata.topics.map((t) => [t.name, t.partitions.length]),
    );
    expect(partitions).toEqual({ [spread]: 3, [`${spread}.dlq`]: 1 });
  });

  it('when remove is called, then the topics and the ones created with them are gone', async () => {
    // Arrange
    const extra = await createTestTopics(kafka, ['gone'], { ensure });
    const [topic] = extra.topics as [string];

    // Act
    await extra.remove();

    // Assert
    const left = await listTopics();
    expect(left).not.toContain(topic);
    expect(left).not.toContain(`${topic}.dlq`);
  });

  it('when messages are spread over partitions, then readAll returns them all, partition by partition in offset order', async () => {
    // Arrange: keys chosen so at least two partitions receive messages
    const topic = owned.topics[0]!;
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    await producer.send({
      topic,
      acks: -1,
      messages: keys.flatMap((key) => [
        { key, value: `${key}-1` },
        { key, value: `${key}-2` },
      ]),
    });

    // Act
    const read = await readAll(kafka, topic);

    // Assert: every message once; within a key (one partition) the send order is kept
    const values = read.map((m) => m.value!.toString());
    expect([...values].sort()).toEqual(keys.flatMap((k) => [`${k}-1`, `${k}-2`]));
    for (const key of keys) {
      expect(values.filter((v) => v.startsWith(key))).toEqual([`${key}-1`, `${key}-2`]);
    }
    expect(await messageCount(kafka, topic)).toBe(12);
  });

  it('when a topic is empty, then readAll returns nothing at once', async () => {
    // Act
    const read = await readAll(kafka, `${owned.topics[1]!}.dlq`);

    // Assert
    expect(read).toEqual([]);
  });

  it('when more messages exist than asked for, then readMessages returns exactly the first ones', async () => {
    // Arrange
    const topic = owned.topics[1]!;
    await producer.send({
      topic,
      acks: -1,
      messages: ['one', 'two', 'three'].map((value) => ({ key: 'k', value })),
    });

    // Act
    const read = await readMessages(kafka, topic, 2);

    // Assert
    expect(read.map((m) => m.value!.toString())).toEqual(['one', 'two']);
  });

  it('when fewer messages arrive than asked for, then readMessages fails saying how many came', async () => {
    // Arrange: the topic holds three messages (previous test) or fewer if run alone
    const topic = owned.topics[1]!;
    const held = await messageCount(kafka, topic);

    // Act
    const reading = readMessages(kafka, topic, held + 1, 2_000);

    // Assert
    await expect(reading).rejects.toThrow(`only ${held}/${held + 1} messages in ${topic}`);
  });

  it('when a consumer group has left, then deleteGroups removes it', async () => {
    // Arrange: a group that joined and committed once, then left
    const groupId = uniqueName('testing-group');
    const consumer = kafka.consumer(fastConsumerConfig(groupId));
    await consumer.connect();
    await consumer.subscribe({ topics: [owned.topics[0]!], fromBeginning: true });
    await consumer.run({ eachMessage: async () => undefined });
    await consumer.disconnect();
    const listGroups = async () =>
      (await withAdmin(kafka, (admin) => admin.listGroups())).groups.map((g) => g.groupId);
    expect(await listGroups()).toContain(groupId);

    // Act
    await deleteGroups(kafka, [groupId]);

    // Assert
    expect(await listGroups()).not.toContain(groupId);
  });
});
