import type { DomainEvent } from '@rc/contracts';
import { metricValue, readAll, uniqueName, waitFor } from '@rc/testing';
import type { Kafka, Producer } from 'kafkajs';
import { encodeEvent, type BatchContext, type EventConsumer } from '../../src';
import { applyBatch, applyEach, appliedOrders, testConsumer } from './support/consumer-fixture';
import type { IsolatedDatabase } from './support/isolated-database';
import { committedOffsets, testKafka } from './support/kafka-fixture';
import { orderPlaced } from './support/outbox-fixture';
import { createConsumerTestbed, type ConsumerTestbed } from './support/testbed';

describe('event consumer coalescing partitions', () => {
  const kafka: Kafka = testKafka();
  let db: IsolatedDatabase;
  let topic: string;
  let bed: ConsumerTestbed;
  let producer: Producer;
  const consumers: EventConsumer[] = [];

  // A three-partition topic and a schema per test: each test's group reads from the start.
  beforeEach(async () => {
    bed = await createConsumerTestbed(kafka, 3);
    ({ db, topic, producer } = bed);
  });

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
    await bed?.remove();
  });

  /** Sends the orders to the partitions given, each partition's in the order listed. */
  const send = (byPartition: Record<number, string[]>) =>
    producer.send({
      topic,
      acks: -1,
      messages: Object.entries(byPartition).flatMap(([partition, ids]) =>
        ids.map((id) => ({ ...encodeEvent(orderPlaced(id)), partition: Number(partition) })),
      ),
    });

  /** Waits until the group's committed offset of partition i is `offsets[i]`, for every i. */
  const committedTo = (groupId: string, offsets: number[]) =>
    waitFor(
      async () => {
        const committed = await committedOffsets(kafka, groupId, topic);
        return offsets.every((offset, partition) => committed[partition] === offset);
      },
      15_000,
      `partitions committed to ${offsets.join(', ')}`,
    );

  const coalescing = (groupId: string, calls: BatchContext['partitions'][]) =>
    testConsumer(kafka, [topic], applyEach(db.pool, groupId), {
      groupId,
      batchHandler: applyBatch(db.pool, groupId, {
        onCall: (context) => calls.push(context.partitions),
      }),
      coalescePartitions: true,
      partitionsConsumedConcurrently: 3,
    });

  it('when three partitions are fetched together, then fewer handler calls than partitions apply every event once and each partition is committed', async () => {
    // Arrange: one event in partition 0 (a batch of one goes to the batch handler too)
    const groupId = uniqueName('coalesce-group');
    await send({ 0: ['c-1'], 1: ['c-2', 'c-3'], 2: ['c-4', 'c-5', 'c-6'] });
    const calls: BatchContext['partitions'][] = [];
    const { consumer, registry } = coalescing(groupId, calls);
    consumers.push(consumer);

    // Act
    await consumer.start();
    await committedTo(groupId, [1, 2, 3]);

    // Assert
    expect((await appliedOrders(db.pool)).sort()).toEqual([
      'c-1',
      'c-2',
      'c-3',
      'c-4',
      'c-5',
      'c-6',
    ]);
    expect(calls.length).toBeLessThan(3);
    expect(calls.some((parts) => parts.length >= 2)).toBe(true);
    expect(
      calls
        .flat()
        .map((p) => p.partition)
        .sort(),
    ).toEqual([0, 1, 2]);
    expect(
      await metricValue(registry, 'messaging_consumer_messages_total', { outcome: 'processed' }),
    ).toBe(6);
    expect(await metricValue(registry, 'messaging_consumer_batch_fallbacks_total')).toBe(0);
  });

  it('when one partition holds a poison event, then only that partition falls back: the poison is dead-lettered, every other event applied', async () => {
    // Arrange
    const groupId = uniqueName('coalesce-poison');
    await send({ 0: ['q-1'], 1: ['poison-1', 'q-2'], 2: ['q-3'] });
    const calls: BatchContext['partitions'][] = [];
    const { consumer, registry } = coalescing(groupId, calls);
    consumers.push(consumer);

    // Act
    await consumer.start();
    await committedTo(groupId, [1, 2, 1]);

    // Assert
    expect((await appliedOrders(db.pool)).sort()).toEqual(['q-1', 'q-2', 'q-3']);
    const dlq = (await readAll(kafka, `${topic}.dlq`)).map(
      (m) => (JSON.parse(m.value!.toString()) as DomainEvent).key,
    );
    expect(dlq).toEqual(['poison-1']);
    expect(await metricValue(registry, 'messaging_consumer_batch_fallbacks_total')).toBe(1);
  });

  it('when coalescing is asked for without a batch handler, then the consumer refuses to be built', () => {
    expect(() =>
      testConsumer(kafka, [topic], applyEach(db.pool, 'g'), { coalescePartitions: true }),
    ).toThrow('coalescePartitions needs a batchHandler');
  });
});
