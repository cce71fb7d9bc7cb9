import { metricValue, readAll, waitFor } from '@rc/testing';
import type { Kafka } from 'kafkajs';
import type { OutboxRelay } from '../../src';
import type { IsolatedDatabase } from './support/isolated-database';
import { testKafka } from './support/kafka-fixture';
import { addCommitted, orderPlaced, testRelay, unpublished } from './support/outbox-fixture';
import { createOutboxTestbed, type OutboxTestbed } from './support/testbed';

describe('outbox relay leadership', () => {
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

  const drained = () => waitFor(async () => (await unpublished(db.pool)) === 0, 15_000, 'drain');
  const publishedIds = async () =>
    (await readAll(kafka, topic)).map((m) => m.headers!['event-id']!.toString());
  const epoch = async (name: string) =>
    Number(
      (await db.pool.query('SELECT epoch FROM outbox_relay_lease WHERE relay_name = $1', [name]))
        .rows[0].epoch,
    );

  it('when two relays share a table, then one is active, each row is published once, and the standby takes over', async () => {
    // Arrange
    const first = Array.from({ length: 30 }, (_, i) => orderPlaced(`order-${i % 5}`));
    await addCommitted(db.pool, topic, first);
    const a = testRelay(db.pool, kafka, { batchSize: 5 });
    const b = testRelay(db.pool, kafka, { batchSize: 5, name: a.relay.name });
    relays.push(a.relay, b.relay);

    // Act
    a.relay.start();
    b.relay.start();
    await drained();

    // Assert: exactly one leader, by state and by metric
    expect([a.relay.isLeader, b.relay.isLeader].filter(Boolean)).toHaveLength(1);
    const [leader, standby] = a.relay.isLeader ? [a, b] : [b, a];
    expect(await metricValue(leader.registry, 'messaging_outbox_relay_leader')).toBe(1);
    expect(await metricValue(standby.registry, 'messaging_outbox_relay_leader')).toBe(0);

    // Act: the leader stops; more rows arrive
    await leader.relay.stop();
    const second = Array.from({ length: 10 }, (_, i) => orderPlaced(`order-late-${i}`));
    await addCommitted(db.pool, topic, second);
    await drained();

    // Assert: the standby took over and nothing was published twice
    expect(standby.relay.isLeader).toBe(true);
    const ids = await publishedIds();
    expect(ids).toHaveLength(40);
    expect(new Set(ids)).toEqual(new Set([...first, ...second].map((e) => e.id)));
  });

  it("when the leader's lock session is killed, then the standby takes over and publishing continues", async () => {
    // Arrange
    const a = testRelay(db.pool, kafka);
    const name = a.relay.name;
    const b = testRelay(db.pool, kafka, { name });
    relays.push(a.relay, b.relay);
    a.relay.start();
    await waitFor(async () => a.relay.isLeader, 5_000, 'relay a to lead');
    b.relay.start();

    // Act: Postgres ends a's session (what a crash, a network cut or an operator does)
    await db.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks
       WHERE locktype = 'advisory' AND granted AND objsubid = 2
         AND classid = hashtext('rc-messaging:outbox-relay')::oid AND objid = hashtext($1)::oid`,
      [name],
    );
    const events = Array.from({ length: 5 }, (_, i) => orderPlaced(`order-${i}`));
    await addCommitted(db.pool, topic, events);
    await drained();

    // Assert
    await waitFor(async () => b.relay.isLeader !== a.relay.isLeader, 5_000, 'a single leader');
    expect(await epoch(name)).toBeGreaterThanOrEqual(2);
    expect((await publishedIds()).sort()).toEqual(events.map((e) => e.id).sort());
  });

  it('when another leader bumps the lease epoch, then the old leader is fenced and steps down before publishing', async () => {
    // Arrange
    const { relay, registry } = testRelay(db.pool, kafka);
    const name = relay.name;
    relays.push(relay);
    relay.start();
    await waitFor(async () => relay.isLeader, 5_000, 'the relay to lead');

    // Act: a newer epoch appears (a leader elected behind this relay's back)
    await db.pool.query('UPDATE outbox_relay_lease SET epoch = epoch + 1 WHERE relay_name = $1', [
      name,
    ]);
    const events = Array.from({ length: 5 }, (_, i) => orderPlaced(`order-${i}`));
    await addCommitted(db.pool, topic, events);
    await drained();

    // Assert: fenced once, re-elected with a fresh epoch, each row published once
    expect(await metricValue(registry, 'messaging_outbox_relay_fenced_total')).toBe(1);
    expect(await epoch(name)).toBe(3);
    expect((await publishedIds()).sort()).toEqual(events.map((e) => e.id).sort());
  });
});
