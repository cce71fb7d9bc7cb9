import { readAll, waitFor } from '@rc/testing';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { OutboxRelay } from '../../src';
import type { IsolatedDatabase } from './support/isolated-database';
import { testKafka } from './support/kafka-fixture';
import { addCommitted, orderPlaced, testRelay, unpublished } from './support/outbox-fixture';
import { createOutboxTestbed, type OutboxTestbed } from './support/testbed';

/** When the leader's lock session (every relay query runs on it) last started a query. */
async function lastRelayQuery(db: IsolatedDatabase, relay: string): Promise<string> {
  const { rows } = await db.pool.query<{ at: string }>(
    `SELECT a.query_start::text AS at FROM pg_locks l JOIN pg_stat_activity a USING (pid)
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
       AND l.classid = hashtext('rc-messaging:outbox-relay')::oid AND l.objid = hashtext($1)::oid`,
    [relay],
  );
  return rows[0]!.at;
}

/** The leader's `messaging_outbox_relay_listening` gauge (1 listening, 0 polling). */
async function listeningOf(registry: Registry): Promise<number | undefined> {
  const gauge = registry.getSingleMetric('messaging_outbox_relay_listening');
  return (await gauge?.get())?.values[0]?.value;
}

describe('outbox relay wake-up', () => {
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

  /** Starts `relay` and returns once it leads and has had 300 ms to drain and go idle. */
  async function startIdleLeader(relay: OutboxRelay): Promise<void> {
    relays.push(relay);
    relay.start();
    await waitFor(async () => relay.isLeader, 5_000, 'the relay to lead');
    await new Promise((r) => setTimeout(r, 300));
  }

  it('when a row commits while the relay idles, then the NOTIFY wakes it long before its safety poll', async () => {
    // Arrange: a leader that would poll only every 30 s, drained and idle
    const { relay } = testRelay(db.pool, kafka, { pollIntervalMs: 30_000 });
    await startIdleLeader(relay);

    // Act
    const event = orderPlaced('order-notified');
    const committedAt = Date.now();
    await addCommitted(db.pool, topic, [event]);
    await waitFor(async () => (await unpublished(db.pool)) === 0, 5_000, 'the row to publish');
    const tookMs = Date.now() - committedAt;

    // Assert
    expect(tookMs).toBeLessThan(2_000);
    const ids = (await readAll(kafka, topic)).map((m) => m.headers!['event-id']!.toString());
    expect(ids).toEqual([event.id]);
  });

  it('when the trigger is gone (a lost notification), then the safety poll still publishes the row', async () => {
    // Arrange
    await db.pool.query('DROP TRIGGER outbox_notify ON outbox');
    const { relay } = testRelay(db.pool, kafka, { pollIntervalMs: 500 });
    relays.push(relay);
    relay.start();
    await waitFor(async () => relay.isLeader, 5_000, 'the relay to lead');

    // Act
    const event = orderPlaced('order-polled');
    await addCommitted(db.pool, topic, [event]);

    // Assert
    await waitFor(async () => (await unpublished(db.pool)) === 0, 5_000, 'the safety poll');
    const ids = (await readAll(kafka, topic)).map((m) => m.headers!['event-id']!.toString());
    expect(ids).toEqual([event.id]);
  });

  it('when the relay idles, then it does not poll its outbox faster than its safety poll', async () => {
    // Arrange
    const { relay } = testRelay(db.pool, kafka, { pollIntervalMs: 5_000 });
    await startIdleLeader(relay);
    const before = await lastRelayQuery(db, relay.name);

    // Act: two idle seconds
    await new Promise((r) => setTimeout(r, 2_000));

    // Assert: no query ran on the relay's session (the old relay polled every 200 ms)
    expect(await lastRelayQuery(db, relay.name)).toBe(before);
  });

  it('when rows keep committing, then the leader polls without notifications, and listens again once they stop', async () => {
    // Arrange: a leader with a 30 s safety poll that polls after two batches in a row found rows;
    // the notifications its session receives are counted
    let notifications = 0;
    db.pool.on('acquire', (client) => client.on('notification', () => notifications++));
    const { relay, registry } = testRelay(db.pool, kafka, {
      pollIntervalMs: 30_000,
      minBatchIntervalMs: 100,
      pollAfterBusyBatches: 2,
    });
    await startIdleLeader(relay);
    const listeningAtRest = await listeningOf(registry);

    // Act: a row every 40 ms for ~1.6 s, then one more once the relay listens again
    const busy = Array.from({ length: 40 }, (_, i) => orderPlaced(`order-busy-${i}`));
    let polled = false;
    for (const event of busy) {
      await addCommitted(db.pool, topic, [event]);
      if ((await listeningOf(registry)) === 0) polled = true;
      await new Promise((r) => setTimeout(r, 40));
    }
    await waitFor(async () => (await unpublished(db.pool)) === 0, 5_000, 'the busy rows');
    await waitFor(async () => (await listeningOf(registry)) === 1, 5_000, 'the relay to listen');
    const last = orderPlaced('order-after-load');
    const committedAt = Date.now();
    await addCommitted(db.pool, topic, [last]);
    await waitFor(async () => (await unpublished(db.pool)) === 0, 5_000, 'the last row');
    const tookMs = Date.now() - committedAt;

    // Assert: listening at rest, polling under the load (a notification for the first rows
    // only, not one per commit), and the row after it woken by its notification (the safety
    // poll is 30 s away); every row published once
    expect(listeningAtRest).toBe(1);
    expect(polled).toBe(true);
    expect(notifications).toBeGreaterThan(0);
    expect(notifications).toBeLessThan(busy.length / 2);
    expect(tookMs).toBeLessThan(2_000);
    const ids = (await readAll(kafka, topic)).map((m) => m.headers!['event-id']!.toString());
    expect(ids.sort()).toEqual([...busy, last].map((e) => e.id).sort());
  });
});
