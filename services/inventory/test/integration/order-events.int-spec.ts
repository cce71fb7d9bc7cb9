import { createEvent, type EventEnvelope } from '@rc/contracts';
import { createIdempotentProducer, encodeEvent, EventConsumer, OutboxRelay } from '@rc/messaging';
import {
  createThrowawayDatabase,
  FAST_GROUP,
  metricValue,
  readAll,
  type ThrowawayDatabase,
  uniqueName,
  waitFor,
} from '@rc/testing';
import type { Kafka, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { orderEventHandlers, orderEventsBatchHandler } from '../../src/api/order-events.handlers';
import { CommitPlacedOrder } from '../../src/application/commit-placed-order.command';
import { ExpireReservations } from '../../src/application/expire-reservations.command';
import { ReleaseReservation } from '../../src/application/release-reservation.command';
import { ReserveStock } from '../../src/application/reserve-stock.command';
import { migrateInventoryDatabase } from '../../src/infrastructure/inventory.migrations';
import {
  CheckoutOrdersHttpAdapter,
  checkoutPolicyRegistry,
} from '../../src/infrastructure/checkout-orders.http-adapter';
import { PgInventoryUnitOfWork } from '../../src/infrastructure/pg-inventory.unit-of-work';
import { placedOrderMonitor } from '../../src/infrastructure/placed-order.monitor';
import { CheckoutStandIn } from '../support/checkout-stand-in';
import { addProduct, backdateExpiry, outboxEvents, stockOf } from '../support/inventory-fixture';
import { createTopics, testKafka } from '../support/kafka-fixture';

describe('order events and outbox against Kafka', () => {
  let db: ThrowawayDatabase;
  let kafka: Kafka;
  let topics: { topics: string[]; remove: () => Promise<void> };
  let ordersTopic: string;
  let inventoryTopic: string;
  let uow: PgInventoryUnitOfWork;
  let reserve: ReserveStock;
  let consumer: EventConsumer;
  let producer: Producer;
  let relay: OutboxRelay;
  const registry = new Registry();
  const checkout = new CheckoutStandIn();

  beforeAll(async () => {
    db = await createThrowawayDatabase('inv_kafka');
    await migrateInventoryDatabase(db.pool);
    kafka = testKafka();
    topics = await createTopics(kafka, ['orders', 'inventory']);
    [ordersTopic, inventoryTopic] = topics.topics as [string, string];
    uow = new PgInventoryUnitOfWork(db.pool, { topic: inventoryTopic });
    reserve = new ReserveStock(uow);
    const group = uniqueName('inventory');
    const deps = {
      group,
      uow,
      placed: new CommitPlacedOrder(uow),
      release: new ReleaseReservation(uow),
      onPlaced: placedOrderMonitor(registry),
    };
    await checkout.start();
    consumer = new EventConsumer({
      kafka,
      groupId: group,
      topics: [ordersTopic],
      handlers: orderEventHandlers(deps),
      batchHandler: orderEventsBatchHandler(deps),
      maxAttempts: 2,
      backoff: { baseMs: 5, maxMs: 20 },
      lagSampleIntervalMs: 0,
      registry,
      ...FAST_GROUP,
    });
    await consumer.start();
    await consumer.whenJoined();
    producer = createIdempotentProducer(kafka);
    await producer.connect();
    relay = new OutboxRelay({
      name: uniqueName('inventory'),
      pool: db.pool,
      kafka,
      registry: new Registry(),
      pollIntervalMs: 50,
    });
    relay.start();
  });

  afterAll(async () => {
    await relay?.stop();
    await consumer?.stop();
    await producer?.disconnect();
    await topics?.remove();
    await checkout.stop();
    await db?.drop();
  });

  async function send(event: EventEnvelope): Promise<void> {
    await producer.send({ topic: ordersTopic, acks: -1, messages: [encodeEvent(event)] });
  }

  /** Sends the events in one request under one key: one partition, so usually one batch. */
  async function sendTogether(key: string, events: EventEnvelope[]): Promise<void> {
    await producer.send({
      topic: ordersTopic,
      acks: -1,
      messages: events.map((e) => ({ ...encodeEvent(e), key })),
    });
  }

  async function inboxTimes(events: EventEnvelope[]): Promise<string[]> {
    const { rows } = await db.pool.query<{ at: string }>(
      'SELECT processed_at::text AS at FROM inbox WHERE event_id = ANY($1::uuid[])',
      [events.map((e) => e.id)],
    );
    return rows.map((r) => r.at);
  }

  async function statusOf(orderId: string): Promise<string | undefined> {
    const { rows } = await db.pool.query<{ status: string }>(
      'SELECT status FROM reservations WHERE order_id = $1',
      [orderId],
    );
    return rows[0]?.status;
  }

  function orderPlaced(orderId: string, sku: string) {
    return createEvent('OrderPlaced', orderId, {
      orderId,
      customerId: 'c-1',
      items: [{ sku, quantity: 2, unitPrice: 1_000 }],
      total: 2_000,
      currency: 'EUR',
    });
  }

  it('when OrderPlaced arrives twice, then the reservation is committed and its units leave stock once', async () => {
    const sku = await addProduct(db.pool, 10);
    const orderId = randomUUID();
    await reserve.execute({ orderId, items: [{ sku, quantity: 2 }], ttlSeconds: 600 });
    const event = orderPlaced(orderId, sku);

    await send(event);
    await send(event);
    const marker = randomUUID(); // a later event on the same partition: once it is applied, both copies were consumed
    await reserve.execute({ orderId: marker, items: [{ sku, quantity: 1 }], ttlSeconds: 600 });
    await send(
      createEvent('OrderFailed', marker, {
        orderId: marker,
        customerId: 'c-1',
        reason: 'CHECKOUT.TEST',
      }),
    );
    await waitFor(
      async () => (await statusOf(marker)) === 'RELEASED',
      15_000,
      'the marker release',
    );

    expect(await statusOf(orderId)).toBe('COMMITTED');
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 8, reserved: 0 });
    const { rows } = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM inbox WHERE event_id = $1',
      [event.id],
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('when OrderPlaced names an order without a reservation, then it is dead-lettered and later events still flow', async () => {
    const sku = await addProduct(db.pool, 10);
    const ghost = randomUUID();
    const next = randomUUID();
    await reserve.execute({ orderId: next, items: [{ sku, quantity: 1 }], ttlSeconds: 600 });
    const deadLettered = () =>
      metricValue(registry, 'messaging_consumer_messages_total', {
        topic: ordersTopic,
        outcome: 'dead_lettered',
      });
    const deadLetteredBefore = await deadLettered();

    await send(orderPlaced(ghost, sku));
    await send(orderPlaced(next, sku));
    // A held order commits ahead of a refused one fetched with it (and the two keys may sit on
    // different partitions): wait for the dead letter too, not only for the commit.
    await waitFor(
      async () =>
        (await statusOf(next)) === 'COMMITTED' && (await deadLettered()) > deadLetteredBefore,
      15_000,
      'the next order to commit and the ghost to be dead-lettered',
    );

    const dlq = await readAll(kafka, `${ordersTopic}.dlq`);
    const entry = dlq.find((m) => m.key?.toString() === ghost);
    expect(entry?.headers?.['dlq-error-code']?.toString()).toBe('INVENTORY.RESERVATION_NOT_FOUND');
    expect(await statusOf(ghost)).toBeUndefined();
  });

  it('when stock moves, then the relay publishes its events to the inventory topic keyed by order', async () => {
    const sku = await addProduct(db.pool, 10);
    const orderId = randomUUID();

    await reserve.execute({ orderId, items: [{ sku, quantity: 3 }], ttlSeconds: 600 });
    await new ReleaseReservation(uow).execute(orderId);
    await waitFor(
      async () => {
        const { rows } = await db.pool.query(
          'SELECT 1 FROM outbox WHERE key = $1 AND published_at IS NULL',
          [orderId],
        );
        return rows.length === 0;
      },
      15_000,
      'the relay to publish',
    );

    const messages = (await readAll(kafka, inventoryTopic)).filter(
      (m) => m.key?.toString() === orderId,
    );
    const events = messages.map((m) => JSON.parse(m.value!.toString()) as EventEnvelope);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['StockReserved', { orderId, items: [{ sku, quantity: 3 }] }],
      ['StockReleased', { orderId, items: [{ sku, quantity: 3 }] }],
    ]);
  });

  it('when several order events arrive in one batch, then they are applied in one transaction', async () => {
    // Arrange
    const sku = await addProduct(db.pool, 10);
    const orders = [randomUUID(), randomUUID(), randomUUID()];
    for (const orderId of orders)
      await reserve.execute({ orderId, items: [{ sku, quantity: 2 }], ttlSeconds: 600 });
    const events = orders.map((orderId) => orderPlaced(orderId, sku));

    // Act
    await sendTogether(randomUUID(), events);
    await waitFor(
      async () => (await Promise.all(orders.map(statusOf))).every((s) => s === 'COMMITTED'),
      15_000,
      'the three orders to commit',
    );

    // Assert: one transaction (now() is the transaction's start: one value for the three rows)
    const times = await inboxTimes(events);
    expect(times).toHaveLength(3);
    expect(new Set(times).size).toBe(1);
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 4, reserved: 0 });
  });

  it('when a batch holds a refused event among good ones, then the good ones commit and only the refused one is dead-lettered', async () => {
    // Arrange: a ghost order (no reservation: refused) between two good ones, on one partition
    const sku = await addProduct(db.pool, 10);
    const [first, ghost, last] = [randomUUID(), randomUUID(), randomUUID()];
    for (const orderId of [first, last])
      await reserve.execute({ orderId, items: [{ sku, quantity: 2 }], ttlSeconds: 600 });
    const fallbacks = () =>
      metricValue(registry, 'messaging_consumer_batch_fallbacks_total', { topic: ordersTopic });
    const fallbacksBefore = await fallbacks();
    const deadLettered = () =>
      metricValue(registry, 'messaging_consumer_messages_total', {
        topic: ordersTopic,
        outcome: 'dead_lettered',
      });
    const deadLetteredBefore = await deadLettered();
    const key = randomUUID();

    // Act
    await sendTogether(key, [
      orderPlaced(first, sku),
      orderPlaced(ghost, sku),
      orderPlaced(last, sku),
    ]);
    // The two held orders commit in one statement before the ghost takes the general path, so
    // its dead letter can come after the last order is COMMITTED: wait for both (the counter is
    // counted once the DLQ send is acknowledged).
    await waitFor(
      async () =>
        (await statusOf(last)) === 'COMMITTED' && (await deadLettered()) > deadLetteredBefore,
      15_000,
      'the last order to commit and the ghost to be dead-lettered',
    );

    // Assert
    expect(await statusOf(first)).toBe('COMMITTED');
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 6, reserved: 0 });
    const dlq = (await readAll(kafka, `${ordersTopic}.dlq`)).filter(
      (m) => m.key?.toString() === key,
    );
    expect(dlq.map((m) => (JSON.parse(m.value!.toString()) as EventEnvelope).key)).toEqual([ghost]);
    expect(await fallbacks()).toBeGreaterThan(fallbacksBefore);
  });

  /** Expires one due hold through the expiry worker's command, checkout answering for it. */
  async function expireThroughCheckout(orderId: string): Promise<void> {
    await backdateExpiry(db.pool, orderId);
    const orders = new CheckoutOrdersHttpAdapter({
      baseUrl: checkout.url,
      policies: checkoutPolicyRegistry({ retry: { maxAttempts: 1 } }, new Registry()),
    });
    await new ExpireReservations(uow, orders, { recheckAfterMs: 60_000 }).execute(100);
  }

  async function appliedOnce(event: EventEnvelope): Promise<void> {
    await waitFor(
      async () => (await inboxTimes([event])).length === 1,
      15_000,
      `${event.type} ${event.key} to be applied`,
    );
  }

  async function deadLettered(orderId: string): Promise<EventEnvelope[]> {
    return (await readAll(kafka, `${ordersTopic}.dlq`))
      .map((m) => JSON.parse(m.value!.toString()) as EventEnvelope)
      .filter((e) => e.key === orderId);
  }

  it('when the expiry worker committed a CONFIRMED order, then its late OrderPlaced is a no-op and is not dead-lettered', async () => {
    // Arrange: the hold ran out while OrderPlaced was late; checkout says CONFIRMED
    const sku = await addProduct(db.pool, 10);
    const orderId = randomUUID();
    await reserve.execute({ orderId, items: [{ sku, quantity: 2 }], ttlSeconds: 600 });
    checkout.orders.set(orderId, 'CONFIRMED');
    await expireThroughCheckout(orderId);
    expect(await statusOf(orderId)).toBe('COMMITTED');
    const event = orderPlaced(orderId, sku);

    // Act
    await send(event);
    await appliedOnce(event);

    // Assert: the units left stock once, and the event was acknowledged
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 8, reserved: 0 });
    expect((await outboxEvents(db.pool, orderId)).map((e) => e.type)).toEqual([
      'StockReserved',
      'StockCommitted',
    ]);
    expect(await deadLettered(orderId)).toEqual([]);
  });

  it('when OrderPlaced arrives after its hold was given back and the units are still there, then it re-takes them and is not dead-lettered', async () => {
    // Arrange: checkout did not know the order when the hold ran out, so it was given back
    const sku = await addProduct(db.pool, 10);
    const orderId = randomUUID();
    await reserve.execute({ orderId, items: [{ sku, quantity: 2 }], ttlSeconds: 600 });
    await expireThroughCheckout(orderId);
    expect(await statusOf(orderId)).toBe('EXPIRED');
    const retaken = () =>
      metricValue(registry, 'inventory_orders_placed_after_release_total', { outcome: 'retaken' });
    const before = await retaken();
    const event = orderPlaced(orderId, sku);

    // Act
    await send(event);
    await appliedOnce(event);

    // Assert
    expect(await statusOf(orderId)).toBe('COMMITTED');
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 8, reserved: 0 });
    expect((await outboxEvents(db.pool, orderId)).map((e) => e.type)).toEqual([
      'StockReserved',
      'StockReleased',
      'StockCommitted',
    ]);
    expect(await retaken()).toBe(before + 1);
    expect(await deadLettered(orderId)).toEqual([]);
  });

  it('when OrderPlaced arrives after its units were given back and sold again, then the shortfall is recorded and counted, and the event is not dead-lettered', async () => {
    // Arrange: 3 units; the order held 2, its hold was given back, another order took 2
    const sku = await addProduct(db.pool, 3);
    const orderId = randomUUID();
    await reserve.execute({ orderId, items: [{ sku, quantity: 2 }], ttlSeconds: 600 });
    await expireThroughCheckout(orderId);
    const other = randomUUID();
    await reserve.execute({ orderId: other, items: [{ sku, quantity: 2 }], ttlSeconds: 600 });
    const oversold = () => metricValue(registry, 'inventory_oversold_units_total');
    const before = await oversold();
    const event = orderPlaced(orderId, sku);

    // Act
    await send(event);
    await appliedOnce(event);

    // Assert: the one unit left is taken, the missing one is on record for an operator
    expect(await statusOf(orderId)).toBe('COMMITTED');
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 2, reserved: 2 });
    const { rows } = await db.pool.query(
      'SELECT sku, quantity, resolved_at FROM stock_shortfalls WHERE order_id = $1',
      [orderId],
    );
    expect(rows).toEqual([{ sku, quantity: 1, resolved_at: null }]);
    expect(await oversold()).toBe(before + 1);
    expect(await deadLettered(orderId)).toEqual([]);
  });
});
