import { metricValue } from '@rc/testing';
import type { EventEnvelope } from '@rc/contracts';
import { FakeClock, flushMicrotasks } from '@rc/resilience';
import { Registry } from 'prom-client';
import type { CartLineChange } from '../domain/cart-line-change';
import { BufferedCartEventPublisher } from './buffered-cart-event-publisher';
import type { EventBatchSender } from './event-batch-sender';

/** A sender whose answer each test decides: accept, refuse, or hang until released. */
class ScriptedSender implements EventBatchSender {
  readonly sent: EventEnvelope[][] = [];
  mode: 'accept' | 'refuse' | 'hang' = 'accept';
  private hung: Array<() => void> = [];
  closed = false;

  async send(events: readonly EventEnvelope[]): Promise<void> {
    if (this.mode === 'hang') await new Promise<void>((resolve) => this.hung.push(resolve));
    if (this.mode === 'refuse') throw new Error('broker unreachable');
    this.sent.push([...events]);
  }

  release(): void {
    this.hung.splice(0).forEach((resolve) => resolve());
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

const added = (sku: string, quantity = 1): CartLineChange => ({
  type: 'CartItemAdded',
  cartId: 'cart-1',
  sku,
  quantity,
});

describe('BufferedCartEventPublisher', () => {
  function setUp(overrides: { capacity?: number; batchSize?: number } = {}) {
    const sender = new ScriptedSender();
    const registry = new Registry();
    const clock = new FakeClock();
    const publisher = new BufferedCartEventPublisher({
      sender,
      capacity: overrides.capacity ?? 100,
      batchSize: overrides.batchSize ?? 10,
      lingerMs: 0,
      retryBackoff: { baseMs: 100, maxMs: 1_000 },
      drainTimeoutMs: 200,
      registry,
      clock,
      random: () => 1,
    });
    return { sender, registry, clock, publisher };
  }

  it('when events are recorded, then they are sent in order, in batches of at most batchSize', async () => {
    // Arrange
    const { sender, registry, publisher } = setUp({ batchSize: 2 });

    // Act
    ['a', 'b', 'c'].forEach((sku) => publisher.record(added(sku)));
    publisher.start();
    await flushMicrotasks(50);

    // Assert
    expect(sender.sent.map((batch) => batch.map((e) => (e.data as { sku: string }).sku))).toEqual([
      ['a', 'b'],
      ['c'],
    ]);
    expect(await metricValue(registry, 'cart_events_published_total')).toBe(3);
    expect(sender.sent[0]![0]).toMatchObject({ type: 'CartItemAdded', key: 'cart-1' });
    await publisher.stop();
  });

  it('when Kafka refuses a batch, then it is kept and sent after the backoff', async () => {
    // Arrange
    const { sender, registry, clock, publisher } = setUp();
    sender.mode = 'refuse';
    publisher.start();
    publisher.record(added('a'));
    await flushMicrotasks(50);
    expect(sender.sent).toEqual([]);

    // Act
    sender.mode = 'accept';
    await clock.advance(100);
    await flushMicrotasks(50);

    // Assert
    expect(sender.sent.flat().map((e) => (e.data as { sku: string }).sku)).toEqual(['a']);
    expect(await metricValue(registry, 'cart_events_publish_failures_total')).toBe(1);
    expect(
      await metricValue(registry, 'cart_events_dropped_total', { reason: 'buffer_full' }),
    ).toBe(0);
    await publisher.stop();
  });

  it('when the buffer is full while Kafka is stuck, then record returns at once and the oldest events are dropped and counted', async () => {
    // Arrange
    const { sender, registry, publisher } = setUp({ capacity: 5, batchSize: 2 });
    sender.mode = 'hang';
    publisher.start();
    publisher.record(added('first'));
    await flushMicrotasks(10); // the loop now holds "first" in a send that never ends

    // Act: synchronous calls, none of them waits for the stuck send
    for (let i = 0; i < 8; i++) publisher.record(added(`n${i}`));

    // Assert: 8 recorded into 5 slots → the 3 oldest queued are gone
    expect(publisher.buffered).toBe(5);
    expect(
      await metricValue(registry, 'cart_events_dropped_total', { reason: 'buffer_full' }),
    ).toBe(3);
    expect(await metricValue(registry, 'cart_events_buffered')).toBe(5);

    sender.mode = 'accept';
    sender.release();
    await flushMicrotasks(50);
    const skus = sender.sent.flat().map((e) => (e.data as { sku: string }).sku);
    expect(skus).toEqual(['first', 'n3', 'n4', 'n5', 'n6', 'n7']);
    await publisher.stop();
  });

  it('when stopping with events buffered, then they are sent before the sender closes', async () => {
    // Arrange
    const { sender, publisher } = setUp();
    ['a', 'b'].forEach((sku) => publisher.record(added(sku)));

    // Act (the loop was never started: stop drains)
    await publisher.stop();

    // Assert
    expect(sender.sent.flat()).toHaveLength(2);
    expect(sender.closed).toBe(true);
  });

  it('when stopping while Kafka hangs, then stop returns after the drain timeout and counts the loss', async () => {
    // Arrange
    const { sender, registry, publisher } = setUp();
    sender.mode = 'hang';
    ['a', 'b', 'c'].forEach((sku) => publisher.record(added(sku)));

    // Act
    await publisher.stop();

    // Assert
    expect(await metricValue(registry, 'cart_events_dropped_total', { reason: 'shutdown' })).toBe(
      3,
    );
    expect(publisher.buffered).toBe(0);
    sender.release();
  });

  it('when a change cannot become a valid event, then record does not throw and counts it', async () => {
    // Arrange
    const { registry, publisher } = setUp();

    // Act
    const act = () => publisher.record({ ...added('a'), sku: 'not a sku!' });

    // Assert
    expect(act).not.toThrow();
    expect(await metricValue(registry, 'cart_events_dropped_total', { reason: 'invalid' })).toBe(1);
    expect(publisher.buffered).toBe(0);
    await publisher.stop();
  });
});
