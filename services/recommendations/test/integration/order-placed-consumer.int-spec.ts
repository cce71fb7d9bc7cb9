import { createEvent } from '@rc/contracts';
import { createIdempotentProducer, encodeEvent, EventConsumer } from '@rc/messaging';
import { deleteGroups, FAST_GROUP, metricValue, uniqueName, waitFor } from '@rc/testing';
import type { Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { orderEventHandlers } from '../../src/api/order-placed.handler';
import { RecordOrder } from '../../src/application/record-order.command';
import { RedisCoPurchaseModel } from '../../src/infrastructure/co-purchase-model.redis';
import { createTopic, testKafka } from '../support/kafka-fixture';
import { createRedisFixture } from '../support/redis-fixture';

describe('OrderPlaced consumer (real Kafka and Redis)', () => {
  const kafka = testKafka();
  let fixture: Awaited<ReturnType<typeof createRedisFixture>>;
  let topic: string;
  let removeTopic: () => Promise<void>;
  let consumer: EventConsumer;
  let producer: Producer;
  const registry = new Registry();
  const groupId = uniqueName('recommendations');

  beforeAll(async () => {
    fixture = await createRedisFixture('reco-consumer');
    ({ topic, remove: removeTopic } = await createTopic(kafka, 'orders'));
    const model = new RedisCoPurchaseModel(fixture.redis, {
      keyPrefix: fixture.prefix,
      dedupTtlSeconds: 600,
      candidatesPerSku: 50,
    });
    consumer = new EventConsumer({
      kafka,
      groupId,
      topics: [topic],
      handlers: orderEventHandlers(new RecordOrder(model)),
      registry,
      lagSampleIntervalMs: 0,
      ...FAST_GROUP,
    });
    await consumer.start();
    producer = createIdempotentProducer(kafka);
    await producer.connect();
  });

  afterAll(async () => {
    await consumer?.stop();
    await producer?.disconnect();
    await deleteGroups(kafka, [groupId]);
    await removeTopic?.();
    await fixture?.drop();
  });

  it('when an OrderPlaced is delivered twice and an OrderFailed arrives, then the model learns the order once', async () => {
    // Arrange
    const orderId = randomUUID();
    const placed = createEvent('OrderPlaced', orderId, {
      orderId,
      customerId: 'customer-1',
      items: [
        { sku: 'KETTLE', quantity: 1, unitPrice: 4_999 },
        { sku: 'MUG', quantity: 2, unitPrice: 1_200 },
      ],
      total: 7_399,
      currency: 'EUR',
    });
    const failed = createEvent('OrderFailed', randomUUID(), {
      orderId: randomUUID(),
      customerId: 'customer-1',
      reason: 'CHECKOUT.OUT_OF_STOCK',
    });

    // Act: a redelivery, as after a lost offset commit
    await producer.send({
      topic,
      acks: -1,
      messages: [encodeEvent(placed), encodeEvent(placed), encodeEvent(failed)],
    });

    // Assert
    const best = `${fixture.prefix}best`;
    const handled = async (outcome: string) =>
      metricValue(registry, 'messaging_consumer_messages_total', { topic, outcome });
    await waitFor(
      async () => (await handled('processed')) === 2 && (await handled('ignored')) === 1,
      20_000,
      'all three messages to be handled',
    );
    expect(await fixture.redis.zscore(best, 'MUG')).toBe('2');
    expect(await fixture.redis.zscore(`${fixture.prefix}co:KETTLE`, 'MUG')).toBe('1');
  });
});
