import type { Kafka } from 'kafkajs';
import type { LogLevel } from '../shared/messaging-logger';
import { BackgroundConsumer } from './background-consumer';
import type { EventConsumer } from './event-consumer';

/** A broker whose topics all exist and have leaders: `ensureTopics` succeeds at once. */
function kafkaWithTopics(): Kafka {
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    listTopics: async () => ['orders', 'orders.dlq'],
    createTopics: async () => true,
    fetchTopicMetadata: async () => ({
      topics: ['orders', 'orders.dlq'].map((name) => ({ name, partitions: [{ leader: 1 }] })),
    }),
  };
  return { admin: () => admin } as unknown as Kafka;
}

/** A consumer that starts as told, and keeps the `onFatal` it was built with. */
class FakeConsumer {
  state: 'idle' | 'running' | 'stopped' | 'failed' = 'idle';
  stops = 0;
  constructor(
    readonly onFatal: (error: unknown) => void,
    private readonly startFails: boolean,
  ) {}
  async start(): Promise<void> {
    if (this.startFails) throw new Error('broker not reachable');
    this.state = 'running';
  }
  async stop(): Promise<void> {
    this.stops++;
    if (this.state === 'running') this.state = 'stopped';
  }
  /** What `EventConsumer` does when a handler throws a fatal error. */
  halt(error: unknown): void {
    this.state = 'failed';
    this.onFatal(error);
  }
}

describe('BackgroundConsumer', () => {
  const lines: { level: LogLevel; message: string; fields?: Record<string, unknown> }[] = [];
  const log = (level: LogLevel, message: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, message, ...(fields && { fields }) });
  let built: FakeConsumer[];
  const create =
    (failFirst = 0) =>
    (onFatal: (error: unknown) => void) => {
      const consumer = new FakeConsumer(onFatal, built.length < failFirst);
      built.push(consumer);
      return consumer as unknown as EventConsumer;
    };
  const started = async (runner: BackgroundConsumer) => {
    runner.start();
    for (let i = 0; i < 50 && runner.state !== 'running'; i++) await Promise.resolve();
  };

  beforeEach(() => {
    lines.length = 0;
    built = [];
  });
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('when the consumer halts on a fatal error and no onFatal is given, then the error is logged naming the consumer and the process exits 1', async () => {
    // Arrange
    const exit = jest.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    const runner = new BackgroundConsumer({
      name: 'orders consumer',
      kafka: kafkaWithTopics(),
      topics: ['orders'],
      create: create(),
      log,
    });
    await started(runner);

    // Act
    built[0]!.halt(new Error('relation "inbox" does not exist'));

    // Assert
    expect(runner.state).toBe('failed');
    expect(lines).toContainEqual({
      level: 'error',
      message: 'orders consumer stopped on a fatal error; exiting',
      fields: { error: 'Error: relation "inbox" does not exist' },
    });
    expect(exit).toHaveBeenCalledWith(1);
    await runner.stop();
  });

  it('when an onFatal is given, then it gets the error and the process is not ended', async () => {
    // Arrange
    const exit = jest.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    const fatal: unknown[] = [];
    const runner = new BackgroundConsumer({
      name: 'orders consumer',
      kafka: kafkaWithTopics(),
      topics: ['orders'],
      create: create(),
      onFatal: (error) => fatal.push(error),
      log,
    });
    await started(runner);
    const error = new Error('password authentication failed');

    // Act
    built[0]!.halt(error);

    // Assert
    expect(fatal).toEqual([error]);
    expect(exit).not.toHaveBeenCalled();
    await runner.stop();
  });

  it('when a start fails, then a fresh consumer with the same fatal handling is started after a backoff', async () => {
    // Arrange
    jest.useFakeTimers();
    const runner = new BackgroundConsumer({
      name: 'orders consumer',
      kafka: kafkaWithTopics(),
      topics: ['orders'],
      create: create(1),
      onFatal: () => undefined,
      log,
    });

    // Act: the first attempt fails; the retry comes within the first backoff (≤ 1.5 s).
    runner.start();
    await jest.advanceTimersByTimeAsync(1_600);

    // Assert
    expect(built).toHaveLength(2);
    expect(built[0]!.stops).toBe(1);
    expect(built[1]!.onFatal).toBe(built[0]!.onFatal);
    expect(runner.state).toBe('running');
    expect(lines.map((l) => l.message)).toEqual([
      'kafka consumer not started, will retry',
      'kafka consumer started',
    ]);
    await runner.stop();
    expect(runner.state).toBe('stopped');
  });
});
