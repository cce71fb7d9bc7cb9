import { waitFor } from '@rc/testing';
import type { Kafka } from 'kafkajs';
import { EventConsumer } from './event-consumer';

/** The part of a kafkajs consumer EventConsumer uses, recording connects and runs. */
class FakeConsumer {
  readonly events = { GROUP_JOIN: 'group_join', CRASH: 'crash', REBALANCING: 'rebalancing' };
  private readonly listeners = new Map<string, ((event: unknown) => void)[]>();
  connects = 0;
  runs = 0;
  /** Connects that fail (ECONNREFUSED) before one succeeds. */
  failingConnects = 0;

  on(event: string, listener: (event: unknown) => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return () => undefined;
  }
  emit(event: string, payload: unknown) {
    for (const listener of this.listeners.get(event) ?? []) listener({ payload });
  }
  async connect() {
    this.connects += 1;
    if (this.failingConnects > 0) {
      this.failingConnects -= 1;
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9092'), {
        name: 'KafkaJSConnectionError',
      });
    }
  }
  async subscribe() {}
  async run() {
    this.runs += 1;
  }
  async disconnect() {}
  async commitOffsets() {}
}

function consumerOn(fake: FakeConsumer) {
  const fatal: unknown[] = [];
  const kafka = {
    consumer: () => fake,
    producer: () => ({ connect: async () => undefined, disconnect: async () => undefined }),
  } as unknown as Kafka;
  const consumer = new EventConsumer({
    kafka,
    groupId: 'inventory',
    topics: ['orders'],
    handlers: {},
    lagSampleIntervalMs: 0,
    onFatal: (e) => fatal.push(e),
  });
  return { consumer, fatal };
}

const named = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('EventConsumer after a crash kafkajs will not restart', () => {
  it('when the group coordinator could not be found (the broker went away mid-rejoin), then it connects and runs again, and nothing is fatal', async () => {
    const fake = new FakeConsumer();
    const { consumer, fatal } = consumerOn(fake);
    await consumer.start();

    fake.emit('crash', {
      error: named('KafkaJSGroupCoordinatorNotFound', 'Failed to find group coordinator'),
      restart: false,
    });
    await waitFor(() => fake.runs === 2, 5_000, 'the second run');

    expect(fatal).toEqual([]);
    expect(consumer.state).toBe('running');
    await consumer.stop();
  });

  it('when the broker still refuses connections, then it keeps trying until one succeeds', async () => {
    const fake = new FakeConsumer();
    const { consumer, fatal } = consumerOn(fake);
    await consumer.start();
    fake.failingConnects = 2;

    const lost = new Error('retries exhausted', {
      cause: named('KafkaJSConnectionError', 'connect ECONNREFUSED'),
    });
    fake.emit('crash', { error: lost, restart: false });
    await waitFor(() => fake.runs === 2, 10_000, 'the second run');

    expect(fake.connects).toBe(1 + 3);
    expect(fatal).toEqual([]);
    await consumer.stop();
  }, 15_000);

  it('when the crash has another cause, then it is fatal and nothing restarts', async () => {
    const fake = new FakeConsumer();
    const { consumer, fatal } = consumerOn(fake);
    await consumer.start();
    const error = named('KafkaJSNonRetriableError', 'Unsupported protocol');

    fake.emit('crash', { error, restart: false });
    await new Promise((r) => setTimeout(r, 700));

    expect(fatal).toEqual([error]);
    expect(consumer.state).toBe('failed');
    expect(fake.runs).toBe(1);
  });

  it('when it is stopped while waiting to start again, then the stop returns and it does not start', async () => {
    const fake = new FakeConsumer();
    const { consumer } = consumerOn(fake);
    await consumer.start();

    fake.emit('crash', {
      error: named('KafkaJSGroupCoordinatorNotFound', 'Failed to find group coordinator'),
      restart: false,
    });
    await consumer.stop();
    await new Promise((r) => setTimeout(r, 700));

    expect(fake.runs).toBe(1);
    expect(consumer.state).toBe('stopped');
  });
});
