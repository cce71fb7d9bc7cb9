import { Registry } from 'prom-client';
import { FakeClock, flushMicrotasks } from '../clock';
import { Bulkhead } from './bulkhead';
import type { BulkheadConfigInput } from './bulkhead.config';
import { BulkheadFullError, BulkheadQueueTimeoutError } from './bulkhead.errors';

function setup(config: BulkheadConfigInput) {
  const clock = new FakeClock();
  const registry = new Registry();
  return { clock, registry, bulkhead: new Bulkhead('payment', config, { clock, registry }) };
}

/** A call that stays in flight until `finish()` is called. */
function gate() {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { finish, run: () => done };
}

async function metric(registry: Registry, name: string, labels: Record<string, string> = {}) {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

describe('Bulkhead', () => {
  it('when every slot is busy and the queue has room, then the caller waits and gets the next free slot', async () => {
    // Arrange
    const { bulkhead, registry } = setup({ maxConcurrent: 1, maxQueue: 1, maxQueueWaitMs: 1_000 });
    const first = gate();
    const running = bulkhead.execute(first.run);
    let secondRan = false;
    const queued = bulkhead.execute(async () => {
      secondRan = true;
    });
    await flushMicrotasks();
    expect(secondRan).toBe(false);
    expect(bulkhead.queued).toBe(1);
    expect(await metric(registry, 'resilience_bulkhead_queued')).toBe(1);

    // Act
    first.finish();
    await Promise.all([running, queued]);

    // Assert
    expect(secondRan).toBe(true);
    expect(bulkhead.inFlight).toBe(0);
    expect(await metric(registry, 'resilience_bulkhead_in_flight')).toBe(0);
  });

  it('when slots and queue are full, then the caller is rejected at once with BULKHEAD_FULL', async () => {
    // Arrange
    const { bulkhead, registry } = setup({ maxConcurrent: 2, maxQueue: 1, maxQueueWaitMs: 1_000 });
    const busy = gate();
    const holders = [
      bulkhead.execute(busy.run),
      bulkhead.execute(busy.run),
      bulkhead.execute(busy.run),
    ];
    await flushMicrotasks();

    // Act
    const rejected = bulkhead.execute(async () => 'never');

    // Assert
    await expect(rejected).rejects.toBeInstanceOf(BulkheadFullError);
    await expect(rejected).rejects.toMatchObject({
      code: 'RESILIENCE.BULKHEAD_FULL',
      requestNotSent: true,
    });
    expect(await metric(registry, 'resilience_bulkhead_rejected_total', { reason: 'full' })).toBe(
      1,
    );
    busy.finish();
    await Promise.all(holders);
  });

  it('when a queued caller waits longer than maxQueueWaitMs, then it is rejected with BULKHEAD_QUEUE_TIMEOUT', async () => {
    // Arrange
    const { bulkhead, clock, registry } = setup({
      maxConcurrent: 1,
      maxQueue: 5,
      maxQueueWaitMs: 100,
    });
    const busy = gate();
    const holder = bulkhead.execute(busy.run);
    const waiting = bulkhead.execute(async () => 'late');
    const outcome = waiting.catch((error: unknown) => error);

    // Act
    await clock.advance(99);
    expect(bulkhead.queued).toBe(1);
    await clock.advance(1);

    // Assert
    expect(await outcome).toBeInstanceOf(BulkheadQueueTimeoutError);
    expect(bulkhead.queued).toBe(0);
    expect(
      await metric(registry, 'resilience_bulkhead_rejected_total', { reason: 'queue_timeout' }),
    ).toBe(1);
    busy.finish();
    await holder;
    expect(bulkhead.inFlight).toBe(0);
  });

  it('when several callers queue, then they get slots in arrival order', async () => {
    const { bulkhead } = setup({ maxConcurrent: 1, maxQueue: 3, maxQueueWaitMs: 1_000 });
    const busy = gate();
    const order: number[] = [];
    const holder = bulkhead.execute(busy.run);
    const queued = [1, 2, 3].map((n) => bulkhead.execute(async () => void order.push(n)));

    busy.finish();
    await Promise.all([holder, ...queued]);

    expect(order).toEqual([1, 2, 3]);
  });

  it('when a queued caller cancels, then it leaves the queue and the slot goes to the next one', async () => {
    // Arrange
    const { bulkhead } = setup({ maxConcurrent: 1, maxQueue: 2, maxQueueWaitMs: 1_000 });
    const busy = gate();
    const holder = bulkhead.execute(busy.run);
    const controller = new AbortController();
    const cancelled = bulkhead.execute(async () => 'cancelled ran', controller.signal);
    const next = bulkhead.execute(async () => 'next ran');

    // Act
    controller.abort(new Error('client gone'));
    busy.finish();

    // Assert
    await expect(cancelled).rejects.toThrow('client gone');
    await expect(next).resolves.toBe('next ran');
    await holder;
    expect(bulkhead.inFlight).toBe(0);
    expect(bulkhead.queued).toBe(0);
  });

  it('when the protected call throws, then its slot is still given back', async () => {
    const { bulkhead } = setup({ maxConcurrent: 1, maxQueue: 0 });

    await expect(bulkhead.execute(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');

    expect(bulkhead.tryAcquire()).toBe(true);
  });

  it('when there is no queue, then a busy bulkhead rejects immediately', async () => {
    const { bulkhead } = setup({ maxConcurrent: 1, maxQueue: 0 });
    expect(bulkhead.tryAcquire()).toBe(true);

    await expect(bulkhead.acquire()).rejects.toBeInstanceOf(BulkheadFullError);
  });
});
