import type { DomainEvent } from '@rc/contracts';
import {
  createIdempotentProducer,
  DLQ_HEADERS,
  encodeEvent,
  PermanentHandlerError,
  type EventConsumer,
} from '@rc/messaging';
import {
  deleteGroups,
  FAST_GROUP,
  messageCount,
  metricValue,
  uniqueName,
  waitFor,
} from '@rc/testing';
import type { Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import {
  analyticsBatchHandler,
  analyticsEventHandlers,
} from '../../src/api/analytics-events.handler';
import { GetSummary } from '../../src/application/get-summary.query';
import { RecordEvent } from '../../src/application/record-event.command';
import { RedriveDeadLetters } from '../../src/application/redrive-dead-letters.command';
import type { AnalyticsProjection } from '../../src/domain/analytics.ports';
import { createAnalyticsConsumer } from '../../src/infrastructure/analytics-consumer.factory';
import { PgAnalyticsProjection } from '../../src/infrastructure/analytics.pg-projection';
import { PgAnalyticsReadModel } from '../../src/infrastructure/analytics.pg-read-model';
import { KafkaDeadLetterRedriver } from '../../src/infrastructure/kafka-dead-letter.redriver';
import { cartItemAdded, orderPlaced, payment, stockCommitted } from '../support/events';
import { createAnalyticsDatabase } from '../support/isolated-database';
import { createTopics, readHeaders, testKafka } from '../support/kafka-fixture';

/**
 * The real pg projection behind a switch that simulates a bug for chosen customers: their
 * events fail permanently (dead-lettered) until the "fix" is deployed.
 */
class BuggyUntilFixed implements AnalyticsProjection {
  readonly broken = new Set<string>();
  /** The event types of every batch applied, in the order applied. */
  readonly batches: string[][] = [];

  constructor(private readonly real: AnalyticsProjection) {}

  async apply(event: DomainEvent) {
    if (event.type === 'OrderPlaced' && this.broken.has(event.data.customerId)) {
      throw new PermanentHandlerError('ANALYTICS.TEST_BUG', 'simulated bug in the projection');
    }
    return this.real.apply(event);
  }

  async applyBatch(events: readonly DomainEvent[]) {
    this.batches.push(events.map((e) => e.type));
    const bad = events.find((e) => e.type === 'OrderPlaced' && this.broken.has(e.data.customerId));
    if (bad) await this.apply(bad);
    return this.real.applyBatch(events);
  }
}

describe('analytics consumer (real Kafka and Postgres)', () => {
  const kafka = testKafka();
  const registry = new Registry();
  const groupId = uniqueName('analytics');
  let db: Awaited<ReturnType<typeof createAnalyticsDatabase>>;
  let topics: Record<'orders' | 'payments' | 'inventory' | 'carts', string>;
  let removeTopics: () => Promise<void>;
  let consumer: EventConsumer;
  let producer: Producer;
  let projection: BuggyUntilFixed;
  let summary: GetSummary;

  beforeAll(async () => {
    db = await createAnalyticsDatabase();
    const created = await createTopics(kafka, ['orders', 'payments', 'inventory', 'carts']);
    const [orders, payments, inventory, carts] = created.topics as [string, string, string, string];
    topics = { orders, payments, inventory, carts };
    removeTopics = created.remove;
    projection = new BuggyUntilFixed(new PgAnalyticsProjection(db.pool, 'analytics'));
    summary = new GetSummary(new PgAnalyticsReadModel(db.pool));
    consumer = createAnalyticsConsumer({
      kafka,
      groupId,
      topics: created.topics,
      handlers: analyticsEventHandlers(new RecordEvent(projection)),
      batchHandler: analyticsBatchHandler(new RecordEvent(projection)),
      maxAttempts: 3,
      backoff: { baseMs: 5, maxMs: 20 },
      registry,
      logger: () => undefined,
      onFatal: () => undefined,
      ...FAST_GROUP,
      lagSampleIntervalMs: 0,
    });
    await consumer.start();
    producer = createIdempotentProducer(kafka);
    await producer.connect();
  });

  afterAll(async () => {
    await consumer?.stop();
    await producer?.disconnect();
    if (topics) await deleteGroups(kafka, [groupId, `redrive.${topics.orders}.dlq`]);
    await removeTopics?.();
    await db?.drop();
  });

  const processed = async () =>
    (
      await Promise.all(
        Object.values(topics).map((topic) =>
          metricValue(registry, 'messaging_consumer_messages_total', {
            topic,
            outcome: 'processed',
          }),
        ),
      )
    ).reduce((a, b) => a + b, 0);

  it('when events arrive on every topic, one of them twice, then each is counted once', async () => {
    // Arrange
    const before = await processed();
    const placed = orderPlaced([['KETTLE', 1, 4_999]]);

    // Act: the OrderPlaced is delivered twice, as after a lost offset commit
    await producer.send({
      topic: topics.orders,
      acks: -1,
      messages: [encodeEvent(placed), encodeEvent(placed)],
    });
    await producer.send({
      topic: topics.payments,
      acks: -1,
      messages: [encodeEvent(payment('PaymentCaptured'))],
    });
    await producer.send({
      topic: topics.inventory,
      acks: -1,
      messages: [encodeEvent(stockCommitted('KETTLE'))],
    });
    await producer.send({
      topic: topics.carts,
      acks: -1,
      messages: [encodeEvent(cartItemAdded('KETTLE', 1))],
    });

    // Assert
    await waitFor(async () => (await processed()) - before === 5, 20_000, 'five deliveries');
    expect(await summary.execute({ currency: 'EUR', top: 3 })).toMatchObject({
      ordersPlaced: 1,
      revenue: 4_999,
      paymentsCaptured: 1,
      cartAdds: 1,
      topProducts: [{ sku: 'KETTLE', units: 1, revenue: 4_999 }],
    });
  });

  it('when events of several topics arrive in one fetch, then one batch applies them together', async () => {
    // Arrange
    const before = await processed();
    const batchesBefore = projection.batches.length;

    // Act: one request to the broker, four topics (each a partition of its own)
    await producer.sendBatch({
      acks: -1,
      topicMessages: [
        { topic: topics.orders, messages: [encodeEvent(orderPlaced([['MUG', 2, 1_250]]))] },
        { topic: topics.payments, messages: [encodeEvent(payment('PaymentCaptured'))] },
        { topic: topics.inventory, messages: [encodeEvent(stockCommitted('MUG'))] },
        { topic: topics.carts, messages: [encodeEvent(cartItemAdded('MUG', 2))] },
      ],
    });

    // Assert: fewer batches than the four partitions, one of them holding several topics' events
    await waitFor(async () => (await processed()) - before === 4, 20_000, 'four deliveries');
    const batches = projection.batches.slice(batchesBefore);
    expect(batches.length).toBeLessThan(4);
    expect(batches.some((types) => types.length >= 2)).toBe(true);
    expect(batches.flat().sort()).toEqual([
      'CartItemAdded',
      'OrderPlaced',
      'PaymentCaptured',
      'StockCommitted',
    ]);
  });

  it('when a message is not a valid event, then it lands in the DLQ with its origin and the consumer moves on', async () => {
    // Arrange
    const before = await processed();
    const after = orderPlaced([['MUG', 1, 1_000]]);

    // Act
    await producer.send({
      topic: topics.payments,
      acks: -1,
      messages: [
        { key: 'poison-1', value: '{"not":"an event"' },
        encodeEvent(payment('PaymentRefunded')),
      ],
    });
    await producer.send({ topic: topics.orders, acks: -1, messages: [encodeEvent(after)] });

    // Assert
    await waitFor(
      async () => (await processed()) - before === 2,
      20_000,
      'the events after the poison',
    );
    const [entry] = await readHeaders(kafka, `${topics.payments}.dlq`, 1);
    expect(entry).toMatchObject({
      [DLQ_HEADERS.originalTopic]: topics.payments,
      [DLQ_HEADERS.reason]: 'INVALID_MESSAGE',
      [DLQ_HEADERS.errorCode]: 'CONTRACTS.INVALID_JSON',
    });
    expect((await summary.execute({ currency: 'EUR', top: 3 })).paymentsRefunded).toBe(1);
  });

  it('when an event failed on a bug that is then fixed, then redriving its DLQ counts it exactly once', async () => {
    // Arrange: the bug dead-letters this customer's order
    projection.broken.add('customer-1');
    const stuck = orderPlaced([['LAMP', 2, 2_500]]);
    const ordersBefore = (await summary.execute({ currency: 'EUR', top: 3 })).ordersPlaced;
    await producer.send({ topic: topics.orders, acks: -1, messages: [encodeEvent(stuck)] });
    await waitFor(
      async () => (await messageCount(kafka, `${topics.orders}.dlq`)) === 1,
      20_000,
      'the DLQ entry',
    );
    const redrive = new RedriveDeadLetters(
      new KafkaDeadLetterRedriver(kafka, 15_000),
      Object.values(topics),
    );

    // Act: deploy the fix, then redrive (twice: the second finds nothing left)
    projection.broken.clear();
    const first = await redrive.execute({ topic: topics.orders, limit: 10 });
    const second = await redrive.execute({ topic: `${topics.orders}.dlq`, limit: 10 });

    // Assert
    expect(first).toEqual({ dlqTopic: `${topics.orders}.dlq`, redriven: 1, timedOut: false });
    expect(second.redriven).toBe(0);
    await waitFor(
      async () =>
        (await summary.execute({ currency: 'EUR', top: 10 })).ordersPlaced === ordersBefore + 1,
      20_000,
      'the redriven order to be counted',
    );
    const lamp = (await summary.execute({ currency: 'EUR', top: 10 })).topProducts.find(
      (p) => p.sku === 'LAMP',
    );
    expect(lamp).toEqual({ sku: 'LAMP', units: 2, revenue: 5_000 });
  });
});
