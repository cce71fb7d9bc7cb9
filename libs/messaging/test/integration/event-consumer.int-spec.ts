import { readAll, waitFor } from '@rc/testing';
import type { Kafka, Producer } from 'kafkajs';
import { DLQ_HEADERS, encodeEvent, PermanentHandlerError, type EventConsumer } from '../../src';
import { applyOnce, appliedOrders, sendRaw, testConsumer } from './support/consumer-fixture';
import type { IsolatedDatabase } from './support/isolated-database';
import { committedOffsets, testKafka } from './support/kafka-fixture';
import { orderPlaced } from './support/outbox-fixture';
import { createConsumerTestbed, type ConsumerTestbed } from './support/testbed';

// One consumer group serves every test of this file (group joins are the slow part); each test
// uses its own order ids and keys, and asserts only on those.
describe('event consumer', () => {
  const kafka: Kafka = testKafka();
  let db: IsolatedDatabase;
  let topic: string;
  let bed: ConsumerTestbed;
  let consumer: EventConsumer;
  let groupId: string;
  let producer: Producer;
  const attempts = new Map<string, number[]>();
  const outcomes = new Map<string, string[]>();

  beforeAll(async () => {
    bed = await createConsumerTestbed(kafka);
    ({ db, topic, producer } = bed);
    const apply = applyOnce(db.pool, 'consumer-it');
    ({ consumer, groupId } = testConsumer(kafka, [topic], {
      OrderPlaced: async (event, ctx) => {
        const orderId = event.data.orderId;
        attempts.set(orderId, [...(attempts.get(orderId) ?? []), ctx.attempt]);
        if (orderId.startsWith('flaky') && ctx.attempt < 3) {
          throw Object.assign(new Error('could not serialize access'), {
            code: '40001',
            severity: 'ERROR',
          });
        }
        if (orderId.startsWith('reject'))
          throw new PermanentHandlerError('TEST.REJECTED', 'order rejected');
        const outcome = await apply(event.id, orderId);
        outcomes.set(orderId, [...(outcomes.get(orderId) ?? []), outcome]);
      },
    }));
    await consumer.start();
  });

  afterAll(async () => {
    await consumer?.stop();
    await bed?.remove();
  });

  const dlqEntries = async (key: string) =>
    (await readAll(kafka, `${topic}.dlq`)).filter((m) => m.key?.toString() === key);

  it('when one event is delivered twice, then it is applied once', async () => {
    // Arrange
    const event = orderPlaced('dup-1');
    const message = encodeEvent(event);

    // Act: the same message twice, as Kafka redelivers after a lost commit
    await producer.send({ topic, acks: -1, messages: [message, message] });
    await waitFor(async () => (outcomes.get('dup-1')?.length ?? 0) === 2, 20_000, 'two deliveries');

    // Assert
    expect(outcomes.get('dup-1')).toEqual(['applied', 'duplicate']);
    expect((await appliedOrders(db.pool)).filter((o) => o === 'dup-1')).toHaveLength(1);
  });

  it('when a poison message arrives, then it is dead-lettered with its origin and the consumer moves on', async () => {
    // Arrange: a broken message, then a good one on the same key (so the same partition)
    const key = 'poison-key';
    const poison = await sendRaw(producer, topic, key, '{"this is": not json');
    const good = encodeEvent(orderPlaced('after-poison'));
    await producer.send({ topic, acks: -1, messages: [{ ...good, key }] });

    // Act
    await waitFor(
      async () => (await appliedOrders(db.pool)).includes('after-poison'),
      20_000,
      'the next message',
    );

    // Assert
    const [entry, ...more] = await dlqEntries(key);
    expect(more).toHaveLength(0);
    expect(entry!.value!.toString()).toBe('{"this is": not json');
    const headers = Object.fromEntries(
      Object.entries(entry!.headers!).map(([k, v]) => [k, v!.toString()]),
    );
    expect(headers).toMatchObject({
      [DLQ_HEADERS.originalTopic]: topic,
      [DLQ_HEADERS.originalPartition]: String(poison.partition),
      [DLQ_HEADERS.originalOffset]: poison.offset,
      [DLQ_HEADERS.consumerGroup]: groupId,
      [DLQ_HEADERS.reason]: 'INVALID_MESSAGE',
      [DLQ_HEADERS.errorCode]: 'CONTRACTS.INVALID_JSON',
      [DLQ_HEADERS.attempts]: '0',
    });
    // Commits are coalesced (up to `commitIntervalMs` after the work): wait for the one past both.
    await waitFor(
      async () =>
        ((await committedOffsets(kafka, groupId, topic))[poison.partition] ?? -1) >
        Number(poison.offset) + 1,
      5_000,
      'the commit past the poison message',
    );
  });

  it('when the handler fails transiently, then it is retried with backoff and then succeeds', async () => {
    await producer.send({ topic, acks: -1, messages: [encodeEvent(orderPlaced('flaky-1'))] });

    await waitFor(
      async () => (await appliedOrders(db.pool)).includes('flaky-1'),
      20_000,
      'flaky-1 applied',
    );

    expect(attempts.get('flaky-1')).toEqual([1, 2, 3]);
    expect(await dlqEntries('flaky-1')).toHaveLength(0);
  });

  it('when the handler rejects an event permanently, then it is dead-lettered after one attempt', async () => {
    await producer.send({ topic, acks: -1, messages: [encodeEvent(orderPlaced('reject-1'))] });

    await waitFor(
      async () => (await dlqEntries('reject-1')).length === 1,
      20_000,
      'reject-1 in the DLQ',
    );

    const [entry] = await dlqEntries('reject-1');
    expect(entry!.headers![DLQ_HEADERS.reason]!.toString()).toBe('PERMANENT_ERROR');
    expect(entry!.headers![DLQ_HEADERS.errorCode]!.toString()).toBe('TEST.REJECTED');
    expect(attempts.get('reject-1')).toEqual([1]);
  });
});
