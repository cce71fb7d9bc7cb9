import { createEvent } from '@rc/contracts';
import { createIdempotentProducer, encodeEvent, EventConsumer } from '@rc/messaging';
import { deleteGroups, FAST_GROUP, metricValue, uniqueName, waitFor } from '@rc/testing';
import type { Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { RecordOrder } from '../../src/application/record-order.command';
import type { PlacedOrder } from '../../src/domain/co-purchase-model.port';
import { RedisCoPurchaseModel } from '../../src/infrastructure/co-purchase-model.redis';
import { modelConsumerHandling } from '../../src/recommendations.workers';
import { createTopic, testKafka } from '../support/kafka-fixture';
import { createRedisFixture } from '../support/redis-fixture';

/** An `OrderPlaced` of a new order with these lines. */
function orderPlaced(items: { sku: string; quantity: number; unitPrice: number }[]) {
  const orderId = randomUUID();
  return createEvent('OrderPlaced', orderId, {
    orderId,
    customerId: 'customer-1',
    items,
    total: items.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0),
    currency: 'EUR',
  });
}

describe('OrderPlaced consumer (real Kafka and Redis)', () => {
  const kafka = testKafka();
  let fixture: Awaited<ReturnType<typeof createRedisFixture>>;
  let topic: string;
  let removeTopic: () => Promise<void>;
  let consumer: EventConsumer;
  let producer: Producer;
  const registry = new Registry();
  const groupId = uniqueName('recommendations');
  /** The size of every batch the model learnt, in order. */
  const batches: number[] = [];

  beforeAll(async () => {
    fixture = await createRedisFixture('reco-consumer');
    // Three partitions, as the orders topic has.
    ({ topic, remove: removeTopic } = await createTopic(kafka, 'orders', 3));
    const model = new RedisCoPurchaseModel(fixture.redis, {
      keyPrefix: fixture.prefix,
      dedupTtlSeconds: 600,
      candidatesPerSku: 50,
    });
    const recordOrders = model.recordOrders.bind(model);
    model.recordOrders = (orders: readonly PlacedOrder[]) => {
      batches.push(orders.length);
      return recordOrders(orders);
    };
    consumer = new EventConsumer({
      kafka,
      groupId,
      topics: [topic],
      // The service's own handling: per event, and the batches of a fetch joined.
      ...modelConsumerHandling(new RecordOrder(model)),
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
    const placed = orderPlaced([
      { sku: 'KETTLE', quantity: 1, unitPrice: 4_999 },
      { sku: 'MUG', quantity: 2, unitPrice: 1_200 },
    ]);
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

  it('when orders arrive on every partition in one fetch, then one batch learns them all in one round trip', async () => {
    // Arrange: three orders of the same two products, one per partition of the topic
    const batchesBefore = batches.length;
    const orders = [0, 1, 2].map((partition) => ({
      ...encodeEvent(
        orderPlaced([
          { sku: 'LANTERN', quantity: 1, unitPrice: 2_500 },
          { sku: 'TENT', quantity: 1, unitPrice: 19_900 },
        ]),
      ),
      partition,
    }));

    // Act: one request to the broker
    await producer.send({ topic, acks: -1, messages: orders });

    // Assert: fewer model calls than the three partitions, every order learnt once
    await waitFor(
      async () => (await fixture.redis.zscore(`${fixture.prefix}best`, 'TENT')) === '3',
      20_000,
      'the three orders to be learnt',
    );
    const learnt = batches.slice(batchesBefore);
    expect(learnt.length).toBeLessThan(3);
    expect(learnt.some((size) => size >= 2)).toBe(true);
    expect(learnt.reduce((a, b) => a + b, 0)).toBe(3);
    expect(await fixture.redis.zscore(`${fixture.prefix}co:LANTERN`, 'TENT')).toBe('3');
  });
});
