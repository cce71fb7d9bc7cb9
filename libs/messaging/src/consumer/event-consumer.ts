import type { Consumer, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { createIdempotentProducer } from '../kafka/kafka-client.factory';
import type { BackoffOptions } from '../shared/backoff';
import { silentLogger, type MessagingLogger } from '../shared/messaging-logger';
import { ConsumerLagMonitor } from './consumer-lag-monitor';
import { defaultClassifyError, type ErrorClassifier } from './error-classifier';
import type { EventHandlers } from './event-handler';
import {
  eventConsumerMetrics,
  initialiseConsumerSeries,
  type EventConsumerMetrics,
} from './event-consumer.metrics';
import { MessageProcessor } from './message-processor';

/** Options of {@link EventConsumer}. */
export interface EventConsumerOptions {
  kafka: Kafka;
  /** Consumer group: replicas of one service share it and split the partitions. */
  groupId: string;
  /** Topics to consume (their `<topic>.dlq` receive the poison messages). */
  topics: string[];
  handlers: EventHandlers;
  /** Handler attempts per delivery, including the first (default 5). */
  maxAttempts?: number;
  /** Backoff between attempts (default 200 ms doubling up to 5 s, full jitter). */
  backoff?: BackoffOptions;
  /** Error classification (default {@link defaultClassifyError}). */
  classifyError?: ErrorClassifier;
  /** Where a new group starts: the oldest retained message (default true) or only new ones. */
  fromBeginning?: boolean;
  /** kafkajs group timings; defaults 30 000 / 60 000 / 3 000 ms. Tests set them small. */
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /**
   * Longest a fetch waits on the broker for new messages, ms (default 1 000; kafkajs' own is
   * 5 000). A stop or halt waits for the fetch in flight, so this bounds shutdown time: an idle
   * consumer otherwise holds a SIGTERM up for ~5 s, for one empty fetch per second saved.
   */
  maxWaitTimeMs?: number;
  /** Partitions processed in parallel by this instance (default 1). */
  partitionsConsumedConcurrently?: number;
  /** How often consumer lag is sampled into `messaging_consumer_lag`, ms (default 15 000; 0 = off). */
  lagSampleIntervalMs?: number;
  /** Called once when the consumer halts on a fatal error (the service usually exits). */
  onFatal?: (error: unknown) => void;
  registry?: Registry;
  logger?: MessagingLogger;
  /** Random source for jitter (tests). */
  random?: () => number;
}

/** Lifecycle state of an {@link EventConsumer}. */
export type ConsumerState = 'idle' | 'running' | 'stopped' | 'failed';

/**
 * A Kafka consumer group member with at-least-once processing and explicit offset control.
 *
 * kafkajs `eachMessage` with `autoCommit: false`: after a message is handled (or skipped, or
 * safely in the DLQ) its offset + 1 is committed explicitly, so a crash at any point before
 * that redelivers the message; the handler's inbox makes the redelivery harmless. One commit per
 * message costs a broker round trip, which buys the simplest correct story ("committed means
 * durable") at this platform's volumes; `eachBatch` + `resolveOffset` would amortise commits.
 * A fatal handler error pauses the partition and stops the consumer without committing.
 * kafkajs crashes from broker outages are restarted automatically (`restartOnFailure`).
 */
export class EventConsumer {
  private readonly consumer: Consumer;
  private readonly dlqProducer: Producer;
  private readonly processor: MessageProcessor;
  private readonly metrics: EventConsumerMetrics;
  private readonly log: MessagingLogger;
  private readonly stopping = new AbortController();
  private readonly lag: ConsumerLagMonitor | undefined;
  private readonly joined: Promise<void>;
  private currentState: ConsumerState = 'idle';
  private halting: Promise<void> | undefined;

  constructor(private readonly options: EventConsumerOptions) {
    const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 3_000;
    this.log = options.logger ?? silentLogger;
    this.metrics = eventConsumerMetrics(options.registry);
    initialiseConsumerSeries(this.metrics, options.groupId, options.topics);
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      rebalanceTimeout: options.rebalanceTimeoutMs ?? 60_000,
      heartbeatInterval: heartbeatIntervalMs,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1_000,
      allowAutoTopicCreation: false,
      retry: {
        initialRetryTime: 300,
        maxRetryTime: 30_000,
        retries: 10,
        // Restart after any retriable crash (broker restart, coordinator moves): a consumer
        // that gives up silently is worse than one that keeps knocking.
        restartOnFailure: async () => true,
      },
    });
    this.dlqProducer = createIdempotentProducer(options.kafka);
    this.processor = new MessageProcessor({
      group: options.groupId,
      handlers: options.handlers,
      classify: options.classifyError ?? defaultClassifyError,
      maxAttempts: Math.max(1, options.maxAttempts ?? 5),
      backoff: options.backoff ?? { baseMs: 200, maxMs: 5_000 },
      heartbeatIntervalMs,
      dlqProducer: this.dlqProducer,
      metrics: this.metrics,
      log: this.log,
      signal: this.stopping.signal,
      random: options.random ?? Math.random,
    });
    const lagInterval = options.lagSampleIntervalMs ?? 15_000;
    if (lagInterval > 0) {
      this.lag = new ConsumerLagMonitor({
        kafka: options.kafka,
        groupId: options.groupId,
        topics: options.topics,
        intervalMs: lagInterval,
        ...(options.registry && { registry: options.registry }),
        logger: this.log,
      });
    }
    this.joined = new Promise((resolve) => {
      const off = this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      this.log('error', 'consumer crashed and will not restart', {
        group: options.groupId,
        error: payload.error.message,
      });
      this.currentState = 'failed';
      options.onFatal?.(payload.error);
    });
  }

  /** Current lifecycle state (`failed` after a fatal error or an unrecoverable crash). */
  get state(): ConsumerState {
    return this.currentState;
  }

  /** Connects, subscribes and starts consuming; resolves once the run loop is started. */
  async start(): Promise<void> {
    await this.dlqProducer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.options.topics,
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachMessage: (payload) => this.onMessage(payload),
    });
    this.currentState = 'running';
    this.lag?.start();
  }

  /** Resolves when this member has first joined its group (partitions are being assigned). */
  whenJoined(): Promise<void> {
    return this.joined;
  }

  /** Leaves the group after the message in flight; uncommitted work is redelivered elsewhere. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.halting;
    await this.shutdown();
    if (this.currentState !== 'failed') this.currentState = 'stopped';
  }

  private async onMessage(payload: EachMessagePayload): Promise<void> {
    if (this.stopping.signal.aborted || this.currentState === 'failed') {
      payload.pause();
      return;
    }
    const decision = await this.processor.process(payload);
    if (decision.action === 'halt') {
      // Not committing is the point; pausing stops kafkajs from moving on to the next message
      // of this partition before the consumer is gone.
      payload.pause();
      if (this.stopping.signal.aborted) return;
      this.currentState = 'failed';
      this.halting ??= new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => this.shutdown())
        .finally(() => this.options.onFatal?.(decision.error));
      return;
    }
    await this.commit(payload);
  }

  private async commit({ topic, partition, message }: EachMessagePayload): Promise<void> {
    try {
      await this.consumer.commitOffsets([
        { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
      ]);
    } catch (e) {
      // Commits are cumulative: the next successful one covers this offset. If none comes (the
      // partition moved), the new owner redelivers and the inbox absorbs the duplicate.
      this.metrics.commitFailures.inc({ group: this.options.groupId, topic });
      this.log('warn', 'offset commit failed', {
        group: this.options.groupId,
        topic,
        partition,
        offset: message.offset,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }

  private async shutdown(): Promise<void> {
    await this.lag?.stop();
    await this.consumer.disconnect().catch(() => undefined);
    await this.dlqProducer.disconnect().catch(() => undefined);
  }
}
