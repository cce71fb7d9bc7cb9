import { uniqueName, waitFor, withTimeout } from '@rc/testing';
import type { Kafka, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { ConsumerLagMonitor, encodeEvent, FatalHandlerError, type EventConsumer } from '../../src';
import { applyOnce, appliedOrders, testConsumer } from './support/consumer-fixture';
import type { IsolatedDatabase } from './support/isolated-database';
import { committedOffsets, testKafka } from './support/kafka-fixture';
import { orderPlaced } from './support/outbox-fixture';
import { createConsumerTestbed, type ConsumerTestbed } from './support/testbed';

describe('consumer crash mid-handler', () => {
  const kafka: Kafka = testKafka();
  let db: IsolatedDatabase;
  let topic: string;
  let bed: ConsumerTestbed;
  let producer: Producer;
  const consumers: EventConsumer[] = [];

  beforeAll(async () => {
    bed = await createConsumerTestbed(kafka, 1);
    ({ db, topic, producer } = bed);
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await bed?.remove();
  });

  it('when the handler dies before its work is durable, then the offset stays and the next member gets the message again', async () => {
    // Arrange: one good event, then one whose handler "crashes" (fatal: nothing durable yet)
    const groupId = uniqueName('crash-group');
    const apply = applyOnce(db.pool, groupId);
    const crashing = orderPlaced('crash-1');
    await producer.send({
      topic,
      acks: -1,
      messages: [encodeEvent(orderPlaced('before-crash')), encodeEvent(crashing)],
    });
    let fatal: (error: unknown) => void = () => undefined;
    const died = new Promise<unknown>((resolve) => (fatal = resolve));
    const first = testConsumer(
      kafka,
      [topic],
      {
        OrderPlaced: async (event) => {
          if (event.data.orderId === 'crash-1')
            throw new FatalHandlerError('TEST.CRASH', 'process died');
          await apply(event.id, event.data.orderId);
        },
      },
      { groupId, onFatal: fatal },
    );
    consumers.push(first.consumer);
    const lag = new ConsumerLagMonitor({
      kafka,
      groupId,
      topics: [topic],
      registry: new Registry(),
    });

    // Act
    await first.consumer.start();
    const error = await withTimeout(died, 20_000, 'the fatal error');

    // Assert: halted; the good event is committed, the crashing one is not
    expect(error).toBeInstanceOf(FatalHandlerError);
    expect(first.consumer.state).toBe('failed');
    expect(await committedOffsets(kafka, groupId, topic)).toEqual({ 0: 1 });
    expect((await lag.sample()).map((p) => p.lag)).toEqual([1n]);

    // Act: a new member of the same group (the restarted process)
    const received: string[] = [];
    const second = testConsumer(
      kafka,
      [topic],
      {
        OrderPlaced: async (event) => {
          received.push(event.id);
          await apply(event.id, event.data.orderId);
        },
      },
      { groupId },
    );
    consumers.push(second.consumer);
    await second.consumer.start();
    await waitFor(
      async () => (await appliedOrders(db.pool)).includes('crash-1'),
      20_000,
      'redelivery',
    );

    // Assert
    expect(received).toEqual([crashing.id]);
    await waitFor(
      async () => (await committedOffsets(kafka, groupId, topic))[0] === 2,
      5_000,
      'commit',
    );
    expect((await lag.sample()).map((p) => p.lag)).toEqual([0n]);
    await lag.stop();
  });
});
