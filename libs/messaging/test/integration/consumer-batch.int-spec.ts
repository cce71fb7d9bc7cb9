import type { DomainEvent } from '@rc/contracts';
import { metricValue, readAll, uniqueName, waitFor } from '@rc/testing';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { encodeEvent, inbox, type EventConsumer } from '../../src';
import { applyBatch, applyEach, appliedOrders, testConsumer } from './support/consumer-fixture';
import type { IsolatedDatabase } from './support/isolated-database';
import { committedOffsets, testKafka } from './support/kafka-fixture';
import { orderPlaced } from './support/outbox-fixture';
import { createConsumerTestbed, type ConsumerTestbed } from './support/testbed';

/** Counts the OffsetCommit requests of the consumers `kafka` creates from now on. */
function countCommits(kafka: Kafka): { commits: () => number } {
  let n = 0;
  const original = kafka.consumer.bind(kafka);
  kafka.consumer = (config) => {
    const consumer: Consumer = original(config);
    consumer.on(consumer.events.REQUEST, ({ payload }) => {
      if (payload.apiName === 'OffsetCommit') n++;
    });
    return consumer;
  };
  return { commits: () => n };
}

describe('event consumer batches', () => {
  const kafka: Kafka = testKafka();
  const { commits } = countCommits(kafka);
  let db: IsolatedDatabase;
  let topic: string;
  let bed: ConsumerTestbed;
  let producer: Producer;
  const consumers: EventConsumer[] = [];
  const cleanups: (() => void)[] = [];

  // A topic (one partition) and a schema per test: each test's group reads from the start.
  beforeEach(async () => {
    bed = await createConsumerTestbed(kafka, 1);
    ({ db, topic, producer } = bed);
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
    await bed?.remove();
  });

  const send = (orderIds: string[]) =>
    producer.send({
      topic,
      acks: -1,
      messages: orderIds.map((id) => ({ ...encodeEvent(orderPlaced(id)), key: 'batch' })),
    });

  it('when a batch is applied, then its offsets are committed once, and only after its work is durable', async () => {
    // Arrange: the batch's transaction waits on a gate before it commits
    const groupId = uniqueName('batch-group');
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const ids = ['b-1', 'b-2', 'b-3', 'b-4', 'b-5'];
    await send(ids);
    const { consumer, registry } = testConsumer(kafka, [topic], applyEach(db.pool, groupId), {
      groupId,
      batchHandler: applyBatch(db.pool, groupId, {
        before: async () => {
          entered();
          await gate;
        },
      }),
    });
    consumers.push(consumer);
    const commitsBefore = commits();

    // Act
    await consumer.start();
    await inside;

    // Assert: work in flight, nothing committed, nothing visible
    expect(await committedOffsets(kafka, groupId, topic)).toEqual({ 0: -1 });
    expect(await appliedOrders(db.pool)).toEqual([]);

    // Act: the transaction commits
    open();
    await waitFor(
      async () => (await committedOffsets(kafka, groupId, topic))[0] === 5,
      10_000,
      'the batch commit',
    );

    // Assert: all five applied, in one commit request, without a fallback
    expect((await appliedOrders(db.pool)).sort()).toEqual(ids);
    expect(commits() - commitsBefore).toBe(1);
    expect(
      await metricValue(registry, 'messaging_consumer_messages_total', { outcome: 'processed' }),
    ).toBe(5);
    expect(await metricValue(registry, 'messaging_consumer_batch_fallbacks_total')).toBe(0);
  });

  it('when a member dies mid-batch after its work is durable, then the next member gets the batch again and the inbox applies it once', async () => {
    // Arrange: the first member's batch commits in Postgres, then the member hangs forever
    // before its offset commit (a frozen or killed process: no heartbeats, no commit)
    const groupId = uniqueName('hang-group');
    const ids = ['h-1', 'h-2', 'h-3'];
    await send(ids);
    let hung: () => void = () => undefined;
    const hanging = new Promise<void>((resolve) => (hung = resolve));
    let release: () => void = () => undefined;
    const never = new Promise<void>((resolve) => (release = resolve));
    cleanups.push(() => release());
    const batch = applyBatch(db.pool, groupId);
    const first = testConsumer(kafka, [topic], applyEach(db.pool, groupId), {
      groupId,
      batchHandler: async (events, ctx) => {
        await batch(events, ctx);
        hung();
        await never;
      },
    });
    consumers.push(first.consumer);
    await first.consumer.start();
    await hanging;
    expect(await committedOffsets(kafka, groupId, topic)).toEqual({ 0: -1 });

    // Act: a second member joins; the group evicts the silent one after its session timeout
    const seen: string[][] = [];
    const fresh: string[][] = [];
    const second = testConsumer(kafka, [topic], applyEach(db.pool, groupId), {
      groupId,
      batchHandler: async (events) => {
        seen.push(events.map((e) => e.key));
        fresh.push(
          await inbox.runBatch(
            db.pool,
            groupId,
            events.map((e) => e.id),
            async () => undefined,
          ),
        );
      },
    });
    consumers.push(second.consumer);
    await second.consumer.start();
    await waitFor(
      async () => (await committedOffsets(kafka, groupId, topic))[0] === 3,
      30_000,
      'the second member to commit the batch',
    );

    // Assert: redelivered, deduplicated, applied once
    expect(seen.flat()).toHaveLength(3);
    expect(fresh.flat()).toEqual([]);
    expect((await appliedOrders(db.pool)).sort()).toEqual(ids);
  }, 45_000);

  it('when a batch holds a poison event, then it alone is dead-lettered and the others are applied', async () => {
    // Arrange
    const groupId = uniqueName('poison-group');
    await send(['p-1', 'poison-1', 'p-2']);
    const { consumer, registry } = testConsumer(kafka, [topic], applyEach(db.pool, groupId), {
      groupId,
      batchHandler: applyBatch(db.pool, groupId),
    });
    consumers.push(consumer);

    // Act
    await consumer.start();
    await waitFor(
      async () => (await committedOffsets(kafka, groupId, topic))[0] === 3,
      15_000,
      'the batch to be committed',
    );

    // Assert
    expect((await appliedOrders(db.pool)).sort()).toEqual(['p-1', 'p-2']);
    const dlq = (await readAll(kafka, `${topic}.dlq`)).map(
      (m) => (JSON.parse(m.value!.toString()) as DomainEvent).key,
    );
    expect(dlq).toEqual(['poison-1']);
    expect(await metricValue(registry, 'messaging_consumer_batch_fallbacks_total')).toBe(1);
  });
});
