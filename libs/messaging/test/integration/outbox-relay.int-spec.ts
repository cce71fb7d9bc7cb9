import { metricValue, readAll, waitFor } from '@rc/testing';
import type { Kafka } from 'kafkajs';
import { createKafka, outbox, type OutboxRelay } from '../../src';
import type { IsolatedDatabase } from './support/isolated-database';
import { testKafka } from './support/kafka-fixture';
import { addCommitted, orderPlaced, testRelay, unpublished } from './support/outbox-fixture';
import { createOutboxTestbed, type OutboxTestbed } from './support/testbed';

describe('outbox + relay', () => {
  const kafka: Kafka = testKafka();
  let db: IsolatedDatabase;
  let topic: string;
  let bed: OutboxTestbed;
  const relays: OutboxRelay[] = [];

  beforeEach(async () => {
    bed = await createOutboxTestbed(kafka);
    ({ db, topic } = bed);
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await bed.remove();
  });

  it('when the writing transaction rolls back, then its event is never published', async () => {
    // Arrange
    const rolledBack = orderPlaced('order-rolled-back');
    const committed = orderPlaced('order-committed');
    const client = await db.pool.connect();
    await client.query('BEGIN');
    await outbox.add(client, rolledBack, { topic });
    await client.query('ROLLBACK');
    client.release();
    await addCommitted(db.pool, topic, [committed]);
    const { relay } = testRelay(db.pool, kafka);
    relays.push(relay);

    // Act
    relay.start();
    await waitFor(async () => (await unpublished(db.pool)) === 0, 15_000, 'the outbox to drain');

    // Assert
    const messages = await readAll(kafka, topic);
    expect(messages.map((m) => m.headers!['event-id']!.toString())).toEqual([committed.id]);
    expect(JSON.parse(messages[0]!.value!.toString())).toMatchObject({ id: committed.id });
  });

  it('when rows are committed, then each is published exactly once, in order per key, with its trace headers', async () => {
    // Arrange
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const events = Array.from({ length: 30 }, (_, i) =>
      orderPlaced(`order-${i % 3}`, { traceparent }),
    );
    await addCommitted(db.pool, topic, events);
    const { relay, registry } = testRelay(db.pool, kafka, { batchSize: 7 });
    relays.push(relay);

    // Act
    relay.start();
    await waitFor(async () => (await unpublished(db.pool)) === 0, 15_000, 'the outbox to drain');
    await new Promise((resolve) => setTimeout(resolve, 300)); // a few idle cycles: no re-sends

    // Assert
    const messages = await readAll(kafka, topic);
    expect(messages).toHaveLength(30);
    for (const key of ['order-0', 'order-1', 'order-2']) {
      const published = messages.filter((m) => m.key!.toString() === key);
      const expected = events.filter((e) => e.key === key).map((e) => e.id);
      expect(published.map((m) => m.headers!['event-id']!.toString())).toEqual(expected);
      expect(published.every((m) => m.headers!.traceparent!.toString() === traceparent)).toBe(true);
    }
    expect(await metricValue(registry, 'messaging_outbox_published_total')).toBe(30);
    expect(await metricValue(registry, 'messaging_outbox_backlog')).toBe(0);
    const { rows } = await db.pool.query(
      'SELECT count(*)::int AS n FROM outbox WHERE attempts > 0',
    );
    expect(rows[0].n).toBe(0);
  });

  it('when Kafka is unreachable, then rows stay with attempts and errors recorded, and are published later', async () => {
    // Arrange
    const events = [orderPlaced('order-a'), orderPlaced('order-b'), orderPlaced('order-c')];
    await addCommitted(db.pool, topic, events);
    const deadKafka = createKafka({
      clientId: 'dead-broker',
      brokers: ['127.0.0.1:1'],
      connectionTimeoutMs: 200,
      retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 },
    });
    const { relay: blocked, registry } = testRelay(db.pool, deadKafka, { producerRetries: 1 });

    // Act: the relay keeps failing against the dead broker
    blocked.start();
    await waitFor(
      async () => (await metricValue(registry, 'messaging_outbox_publish_failures_total')) >= 2,
      15_000,
      'two failed publish attempts',
    );
    await blocked.stop();

    // Assert: nothing lost, failures recorded on the rows
    const { rows } = await db.pool.query<{ attempts: number; last_error: string | null }>(
      'SELECT attempts, last_error FROM outbox WHERE published_at IS NULL ORDER BY id',
    );
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.attempts >= 2 && (r.last_error ?? '').length > 0)).toBe(true);

    // Act: Kafka is back (a relay on the real broker)
    const { relay: healthy } = testRelay(db.pool, kafka);
    relays.push(healthy);
    healthy.start();
    await waitFor(async () => (await unpublished(db.pool)) === 0, 15_000, 'the outbox to drain');

    // Assert
    const ids = (await readAll(kafka, topic)).map((m) => m.headers!['event-id']!.toString());
    expect(ids.sort()).toEqual(events.map((e) => e.id).sort());
  });

  it('when an invalid event is added, then it throws a typed error and writes no row', async () => {
    const bad = { ...orderPlaced('order-x'), data: { orderId: 'order-x' } };
    const client = await db.pool.connect();

    await expect(outbox.add(client, bad, { topic })).rejects.toMatchObject({
      code: 'CONTRACTS.INVALID_EVENT_DATA',
    });
    client.release();

    expect(await unpublished(db.pool)).toBe(0);
  });
});
