import type { DomainEvent } from '@rc/contracts';
import { BatchCoalescer } from './batch-coalescer';
import type { BatchContext } from './event-handler';

/** A stand-in event: only its id matters to the coalescer. */
const event = (id: string) => ({ id }) as unknown as DomainEvent;

function contextOf(topic: string, partition: number, offsets: string[]): BatchContext {
  return {
    topic,
    partition,
    offsets,
    partitions: [{ topic, partition, offsets }],
    signal: new AbortController().signal,
  };
}

/** A handler recording each call; it throws for a call holding an event whose id starts with `poison`. */
function recordingHandler() {
  const calls: { ids: string[]; context: BatchContext }[] = [];
  const handler = (events: readonly DomainEvent[], context: BatchContext) => {
    calls.push({ ids: events.map((e) => e.id), context });
    return events.some((e) => e.id.startsWith('poison'))
      ? Promise.reject(new Error('poison'))
      : Promise.resolve();
  };
  return { calls, handler };
}

describe('BatchCoalescer', () => {
  it('when several partitions hand in their batches in one turn, then one handler call applies them all, each partition in its order', async () => {
    // Arrange
    const { calls, handler } = recordingHandler();
    const coalescer = new BatchCoalescer(handler);

    // Act
    await Promise.all([
      coalescer.apply([event('a-1'), event('a-2')], contextOf('orders', 0, ['4', '5'])),
      coalescer.apply([event('b-1')], contextOf('orders', 2, ['9'])),
      coalescer.apply([event('c-1')], contextOf('payments', 1, ['0'])),
    ]);

    // Assert
    expect(calls).toHaveLength(1);
    expect(calls[0]!.ids).toEqual(['a-1', 'a-2', 'b-1', 'c-1']);
    expect(calls[0]!.context.partitions).toEqual([
      { topic: 'orders', partition: 0, offsets: ['4', '5'] },
      { topic: 'orders', partition: 2, offsets: ['9'] },
      { topic: 'payments', partition: 1, offsets: ['0'] },
    ]);
    expect(calls[0]!.context).toMatchObject({ topic: 'orders', partition: 0, offsets: ['4', '5'] });
  });

  it('when a batch comes alone, then the handler gets it with its own context', async () => {
    const { calls, handler } = recordingHandler();
    const coalescer = new BatchCoalescer(handler);
    const context = contextOf('orders', 1, ['3']);

    await coalescer.apply([event('a-1')], context);

    expect(calls).toEqual([{ ids: ['a-1'], context }]);
  });

  it('when batches arrive in different turns, then each turn is its own call', async () => {
    const { calls, handler } = recordingHandler();
    const coalescer = new BatchCoalescer(handler);

    await coalescer.apply([event('a-1')], contextOf('orders', 0, ['0']));
    await coalescer.apply([event('b-1')], contextOf('orders', 1, ['0']));

    expect(calls.map((c) => c.ids)).toEqual([['a-1'], ['b-1']]);
  });

  it('when the joined call fails, then each partition is applied on its own and only the failing one is rejected', async () => {
    // Arrange
    const { calls, handler } = recordingHandler();
    const coalescer = new BatchCoalescer(handler);

    // Act
    const outcomes = await Promise.allSettled([
      coalescer.apply([event('a-1')], contextOf('orders', 0, ['0'])),
      coalescer.apply([event('poison-1'), event('b-2')], contextOf('orders', 1, ['0', '1'])),
      coalescer.apply([event('c-1')], contextOf('orders', 2, ['0'])),
    ]);

    // Assert: the joined try, then one call per partition
    expect(calls.map((c) => c.ids)).toEqual([
      ['a-1', 'poison-1', 'b-2', 'c-1'],
      ['a-1'],
      ['poison-1', 'b-2'],
      ['c-1'],
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('when the handler throws synchronously, then the caller gets a rejection, not an unhandled error', async () => {
    const coalescer = new BatchCoalescer(() => {
      throw new Error('thrown before any await');
    });

    await expect(coalescer.apply([event('a-1')], contextOf('orders', 0, ['0']))).rejects.toThrow(
      'thrown before any await',
    );
  });
});
