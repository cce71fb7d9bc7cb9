import { ensureTopics } from '../kafka/ensure-topics';
import { fullJitterDelay } from '../shared/backoff';
import type { MessagingLogger } from '../shared/messaging-logger';
import type { EventConsumer } from './event-consumer';
import { exitOnFatal, type FatalErrorHandler } from './exit-on-fatal';
import type { Kafka } from 'kafkajs';

/** Options of {@link BackgroundConsumer}. */
export interface BackgroundConsumerOptions {
  /** The consumer in log lines (`orders consumer`). */
  name: string;
  kafka: Kafka;
  /** Topics to ensure (with their DLQs) before consuming. */
  topics: string[];
  /**
   * Builds a fresh consumer for each start attempt (a failed kafkajs client is not reused). Give
   * it `onFatal` (the `EventConsumer` option of that name): a fatal error then gets this runner's
   * answer, the same in every service.
   */
  create: (onFatal: FatalErrorHandler) => EventConsumer;
  /**
   * What a fatal error does once the consumer has halted on it. Default {@link exitOnFatal}:
   * log naming the consumer, then exit 1 so the orchestrator restarts the process.
   */
  onFatal?: FatalErrorHandler;
  log: MessagingLogger;
}

/**
 * Starts a Kafka consumer without making the service's start-up depend on Kafka: ensure the
 * topics, start the consumer, and on failure try again with backoff (1 s → 30 s) until it runs
 * or `stop` is called. The HTTP side serves meanwhile; events wait in Kafka. Once running, the
 * consumer rides out broker restarts by itself (kafkajs `restartOnFailure`); a fatal error
 * (a broken deployment, not a bad message) ends the process unless `onFatal` says otherwise.
 */
export class BackgroundConsumer {
  private current: EventConsumer | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private attempt: Promise<void> | undefined;
  private readonly onFatal: FatalErrorHandler;

  constructor(private readonly options: BackgroundConsumerOptions) {
    this.onFatal = options.onFatal ?? exitOnFatal(options.name, options.log);
  }

  /** `running` once the consumer has joined the loop; `starting` while it is being (re)tried. */
  get state(): 'starting' | 'running' | 'stopped' | 'failed' {
    if (this.stopped) return 'stopped';
    const state = this.current?.state;
    return state === 'running' || state === 'failed' ? state : 'starting';
  }

  /** Begins the first attempt and returns at once. */
  start(): void {
    this.attempt ??= this.tryStart(1);
  }

  /** Cancels pending attempts and stops the consumer (after the message in flight). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.attempt?.catch(() => undefined);
    await this.current?.stop();
  }

  private async tryStart(n: number): Promise<void> {
    if (this.stopped) return;
    const consumer = this.options.create(this.onFatal);
    this.current = consumer;
    try {
      const admin = this.options.kafka.admin();
      await admin.connect();
      try {
        await ensureTopics(admin, this.options.topics);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
      await consumer.start();
      this.options.log('info', 'kafka consumer started', {
        consumer: this.options.name,
        topics: this.options.topics,
      });
    } catch (e) {
      await consumer.stop().catch(() => undefined);
      if (this.stopped) return;
      const delay = fullJitterDelay(n, { baseMs: 1_000, maxMs: 30_000 }) + 500;
      this.options.log('warn', 'kafka consumer not started, will retry', {
        consumer: this.options.name,
        attempt: n,
        retryInMs: delay,
        error: e instanceof Error ? e.message : String(e),
      });
      this.timer = setTimeout(() => {
        this.attempt = this.tryStart(n + 1);
      }, delay);
      this.timer.unref();
    }
  }
}
