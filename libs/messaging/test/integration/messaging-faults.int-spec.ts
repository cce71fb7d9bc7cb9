import { metricValue, readAll, uniqueName, waitFor } from '@rc/testing';
// A test-only import: the lib takes any MessagingFaults; the toolkit's injector is the real one.
import { FaultInjector } from '@rc/resilience';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { encodeEvent, type EventConsumer, type MessagingFaults, type OutboxRelay } from '../../src';
import { applyOnce, appliedOrders, testConsumer } from './support/consumer-fixture';
import { testKafka } from './support/kafka-fixture';
import { addCommitted, orderPlaced, testRelay, unpublished } from './support/outbox-fixture';
import { createConsumerTestbed, type ConsumerTestbed } from './support/testbed';

/** The toolkit's injector with one rule on `target` for `topic`; it must fit the lib's port. */
function injectorWith(target: 'publish' | 'consume', topic: string, fault: object) {
  const registry = new Registry();
  const injector = new FaultInjector({
    rules: [{ id: `test-${target}`, target, name: topic, probability: 1, enabled: true, fault }],
    registry,
  });
  const faults: MessagingFaults = injector;
  return { injector, faults, registry };
}

describe('fault rules on Kafka (publish, consume)', () => {
  const kafka: Kafka = testKafka();
  let bed: ConsumerTestbed;
  const relays: OutboxRelay[] = [];
  const consumers: EventConsumer[] = [];

  beforeEach(async () => {
    bed = await createConsumerTestbed(kafka, 1);
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
    await bed.remove();
  });

  it('when a publish error rule is on, then rows stay pending, and once it is removed each is published exactly once', async () => {
    // Arrange
    const events = [orderPlaced('order-a'), orderPlaced('order-b'), orderPlaced('order-c')];
    await addCommitted(bed.db.pool, bed.topic, events);
    const { injector, faults } = injectorWith('publish', bed.topic, { kind: 'error', status: 503 });
    const { relay, registry } = testRelay(bed.db.pool, kafka, { faults });
    relays.push(relay);

    // Act: the relay keeps failing as against a failing broker
    relay.start();
    await waitFor(
      async () => (await metricValue(registry, 'messaging_outbox_publish_failures_total')) >= 2,
      15_000,
      'two failed sends',
    );

    // Assert: nothing sent, failures recorded on the rows
    const { rows } = await bed.db.pool.query<{ attempts: number; last_error: string }>(
      'SELECT attempts, last_error FROM outbox WHERE published_at IS NULL',
    );
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.attempts >= 2 && r.last_error.includes('injected error 503'))).toBe(
      true,
    );
    expect(await readAll(kafka, bed.topic)).toHaveLength(0);

    // Act: the rule is removed (the admin API's DELETE)
    injector.clear();
    await waitFor(
      async () => (await unpublished(bed.db.pool)) === 0,
      15_000,
      'the outbox to drain',
    );

    // Assert: nothing lost, nothing duplicated
    const ids = (await readAll(kafka, bed.topic)).map((m) => m.headers!['event-id']!.toString());
    expect(ids.sort()).toEqual(events.map((e) => e.id).sort());
  });

  it('when a publish latency rule is on, then the row is published only after the delay', async () => {
    // Arrange
    const { faults, registry: faultRegistry } = injectorWith('publish', bed.topic, {
      kind: 'latency',
      ms: 1_000,
    });
    const { relay } = testRelay(bed.db.pool, kafka, { faults });
    relays.push(relay);
    relay.start();
    await waitFor(() => relay.isLeader, 10_000, 'the relay to lead');

    // Act
    const started = Date.now();
    await addCommitted(bed.db.pool, bed.topic, [orderPlaced('order-late')]);
    await waitFor(
      async () => (await unpublished(bed.db.pool)) === 0,
      15_000,
      'the outbox to drain',
    );

    // Assert
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(await readAll(kafka, bed.topic)).toHaveLength(1);
    expect(
      await metricValue(faultRegistry, 'resilience_faults_injected_total', { target: 'publish' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('when a consume latency rule is on, then handling is delayed and lag grows; once removed, every event is applied once', async () => {
    // Arrange
    const { injector, faults } = injectorWith('consume', bed.topic, { kind: 'latency', ms: 800 });
    const groupId = uniqueName('group');
    const apply = applyOnce(bed.db.pool, groupId);
    const { consumer, registry } = testConsumer(
      kafka,
      [bed.topic],
      { OrderPlaced: async (e) => void (await apply(e.id, e.data.orderId)) },
      { groupId, faults, lagSampleIntervalMs: 100, minBytes: 1 },
    );
    consumers.push(consumer);
    await consumer.start();
    await consumer.whenJoined();
    const events = Array.from({ length: 6 }, (_, i) => orderPlaced(`order-${i}`));

    // Act
    const sent = Date.now();
    await bed.producer.send({
      topic: bed.topic,
      acks: -1,
      messages: events.map((e) => encodeEvent(e, {})),
    });
    await waitFor(async () => (await appliedOrders(bed.db.pool)).length >= 1, 15_000, 'one event');
    const firstAfter = Date.now() - sent;
    await waitFor(
      async () => (await metricValue(registry, 'messaging_consumer_lag')) >= 4,
      10_000,
      'the lag to grow',
    );
    const appliedWhileSlow = (await appliedOrders(bed.db.pool)).length;
    injector.clear();
    await waitFor(
      async () =>
        (await appliedOrders(bed.db.pool)).length === 6 &&
        (await metricValue(registry, 'messaging_consumer_lag')) === 0,
      15_000,
      'every event applied and no lag',
    );

    // Assert
    expect(firstAfter).toBeGreaterThanOrEqual(800);
    expect(appliedWhileSlow).toBeLessThan(6);
    expect((await appliedOrders(bed.db.pool)).sort()).toEqual(events.map((e) => e.key).sort());
  });
});
