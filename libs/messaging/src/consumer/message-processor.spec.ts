import { createEvent, type EventOf } from '@rc/contracts';
import type { EachMessagePayload, Producer, ProducerRecord } from 'kafkajs';
import { Registry } from 'prom-client';
import { FatalHandlerError, PermanentHandlerError } from '../messaging.errors';
import type { MessagingFaults } from '../shared/messaging-faults';
import { DLQ_HEADERS } from './dead-letter';
import { defaultClassifyError } from './error-classifier';
import type { EventHandlers, HandlerContext } from './event-handler';
import { eventConsumerMetrics } from './event-consumer.metrics';
import { MessageProcessor } from './message-processor';

/** A DLQ producer that records sends (or fails them when told to). */
class RecordingProducer {
  readonly sent: ProducerRecord[] = [];
  failWith: Error | undefined;
  send = async (record: ProducerRecord) => {
    if (this.failWith) throw this.failWith;
    this.sent.push(record);
    return [];
  };
}

function setup(
  handlers: EventHandlers,
  overrides: { maxAttempts?: number; signal?: AbortSignal; faults?: MessagingFaults } = {},
) {
  const registry = new Registry();
  const producer = new RecordingProducer();
  const metrics = eventConsumerMetrics(registry);
  const processor = new MessageProcessor({
    group: 'analytics',
    handlers,
    classify: defaultClassifyError,
    maxAttempts: overrides.maxAttempts ?? 3,
    backoff: { baseMs: 2, maxMs: 4 },
    heartbeatIntervalMs: 1,
    dlqProducer: producer as unknown as Producer,
    metrics,
    log: () => undefined,
    signal: overrides.signal ?? new AbortController().signal,
    random: () => 0.5,
    faults: overrides.faults,
  });
  const metric = async (name: string) =>
    (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return { processor, producer, metric };
}

let heartbeats = 0;
function payload(value: string | null, offset = '7'): EachMessagePayload {
  return {
    topic: 'orders',
    partition: 1,
    message: {
      key: Buffer.from('order-1'),
      value: value === null ? null : Buffer.from(value),
      headers: {},
      offset,
      timestamp: '1700000000000',
      attributes: 0,
    },
    heartbeat: async () => {
      heartbeats++;
    },
    pause: () => () => undefined,
  };
}

const placed = () =>
  createEvent('OrderPlaced', 'order-1', {
    orderId: 'order-1',
    customerId: 'customer-1',
    items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 500 }],
    total: 500,
    currency: 'EUR',
  });

/** A fault hook that records its use and does what `inject` does when a rule is active. */
function faultHook(active: boolean, inject: () => Promise<void> = async () => undefined) {
  const calls = { isActive: 0, injected: [] as string[] };
  const faults: MessagingFaults = {
    isActive: () => (calls.isActive++, active),
    injectMessaging: async (target, topic) => {
      calls.injected.push(`${target} ${topic}`);
      await inject();
    },
  };
  return { faults, calls };
}

beforeEach(() => {
  heartbeats = 0;
});

describe('MessageProcessor', () => {
  it('when a valid event is handled, then the handler gets the typed event and the offset is committed', async () => {
    // Arrange
    const event = placed();
    const seen: { event: EventOf<'OrderPlaced'>; ctx: HandlerContext }[] = [];
    const { processor, producer } = setup({
      OrderPlaced: async (e, ctx) => {
        seen.push({ event: e, ctx });
      },
    });

    // Act
    const decision = await processor.process(payload(JSON.stringify(event)));

    // Assert
    expect(decision).toEqual({ action: 'commit' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.event).toEqual(event);
    expect(seen[0]!.ctx).toMatchObject({ topic: 'orders', partition: 1, offset: '7', attempt: 1 });
    expect(producer.sent).toEqual([]);
  });

  it('when the value is not JSON, then it is dead-lettered as INVALID_MESSAGE without calling a handler', async () => {
    const handler = jest.fn();
    const { processor, producer } = setup({ OrderPlaced: handler });

    const decision = await processor.process(payload('{broken'));

    expect(decision).toEqual({ action: 'commit' });
    expect(handler).not.toHaveBeenCalled();
    expect(producer.sent).toHaveLength(1);
    expect(producer.sent[0]!.topic).toBe('orders.dlq');
    expect(producer.sent[0]!.acks).toBe(-1);
    expect(producer.sent[0]!.messages[0]!.headers).toMatchObject({
      [DLQ_HEADERS.reason]: 'INVALID_MESSAGE',
      [DLQ_HEADERS.errorCode]: 'CONTRACTS.INVALID_JSON',
      [DLQ_HEADERS.attempts]: '0',
      [DLQ_HEADERS.originalOffset]: '7',
    });
  });

  it('when the type is unknown, then it is dead-lettered with UNKNOWN_EVENT_TYPE', async () => {
    const { processor, producer } = setup({});
    const raw = { ...placed(), type: 'OrderTeleported' };

    await processor.process(payload(JSON.stringify(raw)));

    expect(producer.sent[0]!.messages[0]!.headers).toMatchObject({
      [DLQ_HEADERS.errorCode]: 'CONTRACTS.UNKNOWN_EVENT_TYPE',
    });
  });

  it('when a tombstone (null value) arrives, then it is dead-lettered, not thrown', async () => {
    const { processor, producer } = setup({});

    const decision = await processor.process(payload(null));

    expect(decision).toEqual({ action: 'commit' });
    expect(producer.sent).toHaveLength(1);
  });

  it('when no handler exists for a registered type, then it is skipped and committed', async () => {
    const { processor, producer, metric } = setup({});

    const decision = await processor.process(payload(JSON.stringify(placed())));

    expect(decision).toEqual({ action: 'commit' });
    expect(producer.sent).toEqual([]);
    expect(await metric('messaging_consumer_messages_total')).toEqual([
      expect.objectContaining({
        value: 1,
        labels: { group: 'analytics', topic: 'orders', outcome: 'ignored' },
      }),
    ]);
  });

  it('when the handler fails transiently twice, then it is retried with heartbeats and succeeds', async () => {
    // Arrange
    const attempts: number[] = [];
    const { processor, producer, metric } = setup({
      OrderPlaced: async (_e, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3)
          throw Object.assign(new Error('db busy'), { code: '40001', severity: 'ERROR' });
      },
    });

    // Act
    const decision = await processor.process(payload(JSON.stringify(placed())));

    // Assert
    expect(decision).toEqual({ action: 'commit' });
    expect(attempts).toEqual([1, 2, 3]);
    expect(heartbeats).toBeGreaterThanOrEqual(2);
    expect(producer.sent).toEqual([]);
    expect((await metric('messaging_consumer_retries_total'))[0]?.value).toBe(2);
  });

  it('when transient failures outlast maxAttempts, then it is dead-lettered as RETRIES_EXHAUSTED', async () => {
    let calls = 0;
    const { processor, producer } = setup(
      {
        OrderPlaced: async () => {
          calls++;
          throw new Error('still down');
        },
      },
      { maxAttempts: 4 },
    );

    const decision = await processor.process(payload(JSON.stringify(placed())));

    expect(decision).toEqual({ action: 'commit' });
    expect(calls).toBe(4);
    expect(producer.sent[0]!.messages[0]!.headers).toMatchObject({
      [DLQ_HEADERS.reason]: 'RETRIES_EXHAUSTED',
      [DLQ_HEADERS.attempts]: '4',
      [DLQ_HEADERS.errorCode]: 'Error',
      [DLQ_HEADERS.errorMessage]: 'Error: still down',
    });
  });

  it('when the handler throws a permanent error, then it is dead-lettered at once', async () => {
    let calls = 0;
    const { processor, producer } = setup({
      OrderPlaced: async () => {
        calls++;
        throw new PermanentHandlerError('ANALYTICS.REJECTED', 'rejected');
      },
    });

    await processor.process(payload(JSON.stringify(placed())));

    expect(calls).toBe(1);
    expect(producer.sent[0]!.messages[0]!.headers).toMatchObject({
      [DLQ_HEADERS.reason]: 'PERMANENT_ERROR',
      [DLQ_HEADERS.errorCode]: 'ANALYTICS.REJECTED',
      [DLQ_HEADERS.attempts]: '1',
    });
  });

  it('when the handler throws a fatal error, then it halts without dead-lettering', async () => {
    const fatal = new FatalHandlerError('ANALYTICS.SCHEMA_MISSING', 'inbox table missing');
    const { processor, producer } = setup({
      OrderPlaced: async () => {
        throw fatal;
      },
    });

    const decision = await processor.process(payload(JSON.stringify(placed())));

    expect(decision).toEqual({ action: 'halt', error: fatal });
    expect(producer.sent).toEqual([]);
  });

  it('when the DLQ publish fails, then process rejects so the offset is not committed', async () => {
    const { processor, producer } = setup({});
    producer.failWith = new Error('broker down');

    await expect(processor.process(payload('not json'))).rejects.toThrow('broker down');
  });

  it('when the consumer stops during a retry backoff, then it halts instead of retrying', async () => {
    const controller = new AbortController();
    let calls = 0;
    const { processor, producer } = setup(
      {
        OrderPlaced: async () => {
          calls++;
          controller.abort();
          throw new Error('transient');
        },
      },
      { signal: controller.signal, maxAttempts: 5 },
    );

    const decision = await processor.process(payload(JSON.stringify(placed())));

    expect(decision.action).toBe('halt');
    expect(calls).toBe(1);
    expect(producer.sent).toEqual([]);
  });

  it('when no consume rule is active, then the hook is only asked and the handler runs at once', async () => {
    // Arrange
    const { faults, calls } = faultHook(false);
    let handled = 0;
    const { processor } = setup({ OrderPlaced: async () => void handled++ }, { faults });

    // Act
    const decision = await processor.process(payload(JSON.stringify(placed())));

    // Assert
    expect(decision).toEqual({ action: 'commit' });
    expect(handled).toBe(1);
    expect(calls).toEqual({ isActive: 1, injected: [] });
  });

  it('when an injected consume error fires on every attempt, then the handler never runs and the message is dead-lettered as RETRIES_EXHAUSTED', async () => {
    // Arrange
    const injected = Object.assign(new Error('injected error 503 (rule slow)'), {
      code: 'FAULT_INJECTION.ERROR',
      transient: true,
    });
    const { faults, calls } = faultHook(true, async () => {
      throw injected;
    });
    let handled = 0;
    const { processor, producer } = setup(
      { OrderPlaced: async () => void handled++ },
      { faults, maxAttempts: 3 },
    );

    // Act
    const decision = await processor.process(payload(JSON.stringify(placed())));

    // Assert
    expect(decision).toEqual({ action: 'commit' });
    expect(handled).toBe(0);
    expect(calls.injected).toEqual(['consume orders', 'consume orders', 'consume orders']);
    expect(producer.sent[0]!.messages[0]!.headers).toMatchObject({
      [DLQ_HEADERS.reason]: 'RETRIES_EXHAUSTED',
      [DLQ_HEADERS.errorCode]: 'FAULT_INJECTION.ERROR',
    });
  });

  it('when the consumer stops during an injected delay on the last attempt, then it halts without a dead letter', async () => {
    // Arrange
    const controller = new AbortController();
    const { faults } = faultHook(true, async () => {
      controller.abort();
      throw new DOMException('stopping', 'AbortError');
    });
    const { processor, producer } = setup(
      { OrderPlaced: async () => undefined },
      { faults, signal: controller.signal, maxAttempts: 1 },
    );

    // Act
    const decision = await processor.process(payload(JSON.stringify(placed())));

    // Assert
    expect(decision.action).toBe('halt');
    expect(producer.sent).toEqual([]);
  });
});
