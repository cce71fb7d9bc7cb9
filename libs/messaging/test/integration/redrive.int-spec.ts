import { messageCount, readAll, uniqueName, waitFor } from '@rc/testing';
import type { Kafka, Producer } from 'kafkajs';
import {
  DLQ_HEADERS,
  encodeEvent,
  PermanentHandlerError,
  redrive,
  REDRIVE_COUNT_HEADER,
  type EventConsumer,
} from '../../src';
import { applyOnce, appliedOrders, testConsumer } from './support/consumer-fixture';
import type { IsolatedDatabase } from './support/isolated-database';
import { committedOffsets, testKafka } from './support/kafka-fixture';
import { orderPlaced } from './support/outbox-fixture';
import { createConsumerTestbed, type ConsumerTestbed } from './support/testbed';

describe('redrive', () => {
  const kafka: Kafka = testKafka();
  let db: IsolatedDatabase;
  let topic: string;
  let bed: ConsumerTestbed;
  let producer: Producer;
  let consumer: EventConsumer | undefined;

  beforeAll(async () => {
    bed = await createConsumerTestbed(kafka);
    ({ db, topic, producer } = bed);
  });

  afterAll(async () => {
    await consumer?.stop();
    await bed?.remove();
  });

  it('when the cause is fixed and the DLQ is redriven, then the message goes back to its topic and is applied', async () => {
    // Arrange: a handler that rejects the order until "the bug is fixed"
    let fixed = false;
    const groupId = uniqueName('redrive-consumer');
    const apply = applyOnce(db.pool, groupId);
    const event = orderPlaced('needs-fix');
    ({ consumer } = testConsumer(
      kafka,
      [topic],
      {
        OrderPlaced: async (e) => {
          if (!fixed) throw new PermanentHandlerError('TEST.NOT_YET', 'bug not fixed yet');
          await apply(e.id, e.data.orderId);
        },
      },
      { groupId },
    ));
    await consumer.start();
    await producer.send({ topic, acks: -1, messages: [encodeEvent(event)] });
    const dlq = `${topic}.dlq`;
    await waitFor(async () => (await messageCount(kafka, dlq)) === 1, 20_000, 'the DLQ entry');

    // Act
    fixed = true;
    const result = await redrive(kafka, dlq, { limit: 10 });

    // Assert: moved once, applied, restored without dlq headers, DLQ offsets committed
    expect(result).toEqual({ redriven: 1, timedOut: false });
    await waitFor(
      async () => (await appliedOrders(db.pool)).includes('needs-fix'),
      20_000,
      'apply',
    );
    const onTopic = await readAll(kafka, topic);
    expect(onTopic).toHaveLength(2);
    const [original, redriven] = onTopic;
    expect(redriven!.key!.toString()).toBe(event.key);
    expect(redriven!.value!.toString()).toBe(original!.value!.toString());
    expect(redriven!.headers![REDRIVE_COUNT_HEADER]!.toString()).toBe('1');
    expect(Object.keys(redriven!.headers!).filter((h) => h.startsWith('dlq-'))).toEqual([]);
    expect(redriven!.headers![DLQ_HEADERS.reason]).toBeUndefined();
    expect(await committedOffsets(kafka, `redrive.${dlq}`, dlq)).toEqual({ 0: 1 });
  });

  it('when nothing is left in the DLQ, then redrive returns at once without moving anything', async () => {
    const started = Date.now();

    const result = await redrive(kafka, `${topic}.dlq`, { limit: 10 });

    expect(result).toEqual({ redriven: 0, timedOut: false });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('when the topic is not a dead-letter topic, then redrive refuses', async () => {
    await expect(redrive(kafka, topic, { limit: 1 })).rejects.toThrow('is not a dead-letter topic');
  });
});
