import { waitFor } from '@rc/testing';
import type { ConsumerConfig, Kafka } from 'kafkajs';
import { encodeEvent, type EventConsumer } from '../../src';
import { applyOnce, appliedOrders, testConsumer } from './support/consumer-fixture';
import { committedOffsets, testKafka } from './support/kafka-fixture';
import { orderPlaced } from './support/outbox-fixture';
import { createConsumerTestbed, type ConsumerTestbed } from './support/testbed';

/** The real client, with every kafkajs consumer it builds reporting its batches and commits. */
function countingKafka(kafka: Kafka) {
  const seen = { batches: 0, commits: 0 };
  const counting = Object.create(kafka, {
    consumer: {
      value: (config: ConsumerConfig) => {
        const consumer = kafka.consumer(config);
        consumer.on(consumer.events.START_BATCH_PROCESS, () => (seen.batches += 1));
        consumer.on(consumer.events.COMMIT_OFFSETS, () => (seen.commits += 1));
        return consumer;
      },
    },
  }) as Kafka;
  return { counting, seen };
}

describe('event consumer offset commits', () => {
  const kafka = testKafka();
  let bed: ConsumerTestbed;
  const consumers: EventConsumer[] = [];

  // A topic (one partition) and an `applied` table per test: each test's group reads from the start.
  beforeEach(async () => {
    bed = await createConsumerTestbed(kafka, 1);
  });

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
    await bed?.remove();
  });

  it('when events arrive one fetch at a time, then one commit covers the batches of each interval', async () => {
    // Arrange: minBytes 1, so each event is a fetch (and a batch) of its own
    const { counting, seen } = countingKafka(kafka);
    const { consumer, groupId } = testConsumer(
      counting,
      [bed.topic],
      {
        OrderPlaced: async (e) => {
          await applyOnce(bed.db.pool, 'commits')(e.id, e.data.orderId);
        },
      },
      { minBytes: 1, commitIntervalMs: 1_000 },
    );
    consumers.push(consumer);
    await consumer.start();
    await consumer.whenJoined();

    // Act: twelve events, each sent after the previous one was applied
    for (let i = 0; i < 12; i++) {
      await bed.producer.send({
        topic: bed.topic,
        acks: -1,
        messages: [encodeEvent(orderPlaced(`one-by-one-${i}`))],
      });
      await waitFor(
        async () => (await appliedOrders(bed.db.pool)).includes(`one-by-one-${i}`),
        10_000,
        `event ${i}`,
      );
    }
    await waitFor(
      async () => (await committedOffsets(kafka, groupId, bed.topic))[0] === 12,
      5_000,
      'the commit of all twelve',
    );

    // Assert: a batch per event, far fewer commits (one per second of work at most, plus one)
    expect(seen.batches).toBeGreaterThanOrEqual(12);
    expect(seen.commits).toBeLessThanOrEqual(Math.ceil(seen.batches / 3));
  });

  it('when a consumer stops within the interval, then what it made durable is committed before it leaves', async () => {
    // Arrange: an interval far longer than the test
    const { consumer, groupId } = testConsumer(
      kafka,
      [bed.topic],
      {
        OrderPlaced: async (e) => {
          await applyOnce(bed.db.pool, 'commits-stop')(e.id, e.data.orderId);
        },
      },
      { minBytes: 1, commitIntervalMs: 600_000 },
    );
    await consumer.start();
    await bed.producer.send({
      topic: bed.topic,
      acks: -1,
      messages: [encodeEvent(orderPlaced('before-stop'))],
    });
    await waitFor(
      async () => (await appliedOrders(bed.db.pool)).includes('before-stop'),
      10_000,
      'the event',
    );
    const before = await committedOffsets(kafka, groupId, bed.topic);

    // Act
    await consumer.stop();

    // Assert: nothing was committed while it ran (the interval), everything once it stopped
    const applied = (await appliedOrders(bed.db.pool)).length;
    expect(before[0] ?? -1).toBeLessThan(applied);
    expect((await committedOffsets(kafka, groupId, bed.topic))[0]).toBe(applied);
  });
});
