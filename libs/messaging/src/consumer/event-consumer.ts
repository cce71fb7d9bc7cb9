import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { createIdempotentProducer } from '../kafka/kafka-client.factory';
import { fullJitterDelay, sleep, type BackoffOptions } from '../shared/backoff';
import { silentLogger, type MessagingLogger } from '../shared/messaging-logger';
import type { MessagingFaults } from '../shared/messaging-faults';
import { ConsumerLagMonitor } from './consumer-lag-monitor';
import { defaultClassifyError, type ErrorClassifier } from './error-classifier';
import { BatchCoalescer } from './batch-coalescer';
import { BatchRunner } from './batch-runner';
import type { BatchHandler, EventHandlers } from './event-handler';
import {
  eventConsumerMetrics,
  initialiseConsumerSeries,
  type EventConsumerMetrics,
} from './event-consumer.metrics';
import { MessageProcessor } from './message-processor';
import { OffsetCommitter, type PartitionOffset } from './offset-committer';

/** Options of {@link EventConsumer}. */
export interface EventConsumerOptions {
  kafka: Kafka;
  /** Consumer group: replicas of one service share it and split the partitions. */
  groupId: string;
  /** Topics to consume (their `<topic>.dlq` receive the poison messages). */
  topics: string[];
  handlers: EventHandlers;
  /**
   * Optional: applies the handled events of one fetched partition batch as one unit of work
   * (one transaction, one bulk inbox insert), with the per-event `handlers` as the fallback when
   * it throws. See {@link BatchHandler} and the README ("Batches").
   */
  batchHandler?: BatchHandler;
  /**
   * Applies the batches of every partition fetched together in ONE `batchHandler` call (one
   * unit of work per fetch instead of one per partition; a single event goes to it too), for a
   * consumer that reads many partitions at a modest rate. Needs a `batchHandler`, and
   * `partitionsConsumedConcurrently` at least the number of partitions a member reads: only the
   * batches running together are joined. See {@link BatchCoalescer}. Default false.
   */
  coalescePartitions?: boolean;
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
   * 5 000). A stop or halt waits for the fetch in flight, so this bounds the time a stop adds; at
   * rest the consumer sends one empty fetch per wait. Keep it well under `sessionTimeoutMs`:
   * kafkajs heartbeats only between fetches. The services set it from their
   * `KAFKA_FETCH_MAX_WAIT_MS` (@rc/platform; 5 s by default, fewer idle fetches for slower
   * stops); the default here keeps the stops of tests and tools short.
   */
  maxWaitTimeMs?: number;
  /**
   * Bytes the broker gathers before it answers a fetch, unless `maxWaitTimeMs` passes first
   * (default 16 384, about 20 events; kafkajs' own is 1). Under load a fetch then carries a batch
   * (one transaction and one offset commit for many events) instead of one message; at rest it
   * changes nothing (one empty fetch per `maxWaitTimeMs`). The price is latency when traffic is
   * light: an event waits up to `maxWaitTimeMs` in Kafka. Set 1 for a consumer that must react
   * at once.
   */
  minBytes?: number;
  /**
   * Longest a durable offset waits to be committed, ms (default 500; 0 = one commit per fetched
   * batch). The commits of all partitions staged meanwhile go in one request. See
   * {@link OffsetCommitter} for what a crash or rebalance then redelivers.
   */
  commitIntervalMs?: number;
  /** Settled messages that trigger a commit before `commitIntervalMs` is up (default 100). */
  commitAfterMessages?: number;
  /** Partitions processed in parallel by this instance (default 1). */
  partitionsConsumedConcurrently?: number;
  /** How often consumer lag is sampled into `messaging_consumer_lag`, ms (default 15 000; 0 = off). */
  lagSampleIntervalMs?: number;
  /** Called once when the consumer halts on a fatal error (the service usually exits). */
  onFatal?: (error: unknown) => void;
  registry?: Registry;
  logger?: MessagingLogger;
  /**
   * The service's fault injector: its `consume` rules (by topic) delay or fail each handling — a
   * batch given to `batchHandler`, each attempt of one message — as a slow or failing handler
   * would. None: no check at all.
   */
  faults?: MessagingFaults;
  /** Random source for jitter (tests). */
  random?: () => number;
}

/** Lifecycle state of an {@link EventConsumer}. */
export type ConsumerState = 'idle' | 'running' | 'stopped' | 'failed';

/**
 * A Kafka consumer group member with at-least-once processing and explicit offset control.
 *
 * kafkajs `eachBatch` with `autoCommit: false` and no auto-resolve: each message's offset is
 * resolved once its outcome is durable (handled, skipped or safely in the DLQ), and the batch's
 * durable prefix is committed explicitly after its work — coalesced with the other batches' of
 * the next `commitIntervalMs` into one request ({@link OffsetCommitter}), and at once before a
 * stop, a halt or a rebalance. A crash before that commit redelivers those events; the
 * handlers' inbox makes the redelivery harmless. A fatal handler
 * error pauses the partition and stops the consumer without committing that message (the ones
 * before it are committed). kafkajs crashes from broker outages are restarted automatically
 * (`restartOnFailure`), and the one kafkajs will not restart — the broker gone while the member
 * rejoins its group — by the consumer itself (`restartAfterBrokerLoss`). See {@link BatchRunner}
 * for one batch's journey.
 */
export class EventConsumer {
  private readonly consumer: Consumer;
  private readonly dlqProducer: Producer;
  private readonly processor: MessageProcessor;
  private readonly runner: BatchRunner;
  private readonly committer: OffsetCommitter;
  /** The `eachBatch` calls running now (a stop waits for them, then commits). */
  private readonly batches = new Set<Promise<void>>();
  private dlqConnected: Promise<void> | undefined;
  private readonly metrics: EventConsumerMetrics;
  private readonly log: MessagingLogger;
  private readonly stopping = new AbortController();
  private readonly lag: ConsumerLagMonitor | undefined;
  private readonly joined: Promise<void>;
  private currentState: ConsumerState = 'idle';
  private halting: Promise<void> | undefined;
  /** A restart after the broker went away (see {@link restartAfterBrokerLoss}), while it runs. */
  private restarting: Promise<void> | undefined;
  private restartWanted = false;

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
      minBytes: options.minBytes ?? 16_384,
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
    // Connected on the first dead letter, not at start: most consumers never send one, and an
    // idempotent producer's connect costs a metadata and an InitProducerId request.
    const dlq = {
      send: async (record) => {
        this.dlqConnected ??= this.dlqProducer.connect().catch((e: unknown) => {
          this.dlqConnected = undefined;
          throw e;
        });
        await this.dlqConnected;
        return this.dlqProducer.send(record);
      },
    } as Pick<Producer, 'send'> as Producer;
    this.processor = new MessageProcessor({
      group: options.groupId,
      handlers: options.handlers,
      classify: options.classifyError ?? defaultClassifyError,
      maxAttempts: Math.max(1, options.maxAttempts ?? 5),
      backoff: options.backoff ?? { baseMs: 200, maxMs: 5_000 },
      heartbeatIntervalMs,
      dlqProducer: dlq,
      metrics: this.metrics,
      log: this.log,
      signal: this.stopping.signal,
      random: options.random ?? Math.random,
      faults: options.faults,
    });
    this.committer = new OffsetCommitter({
      commit: (offsets) => this.consumer.commitOffsets(offsets),
      onFailure: (offsets, e) => this.commitFailed(offsets, e),
      intervalMs: options.commitIntervalMs ?? 500,
      maxPendingMessages: options.commitAfterMessages ?? 100,
    });
    if (options.coalescePartitions && !options.batchHandler) {
      throw new RangeError('coalescePartitions needs a batchHandler');
    }
    this.runner = new BatchRunner({
      group: options.groupId,
      handlers: options.handlers,
      batchHandler: options.batchHandler,
      coalescer:
        options.coalescePartitions && options.batchHandler
          ? new BatchCoalescer(options.batchHandler)
          : undefined,
      processor: this.processor,
      metrics: this.metrics,
      log: this.log,
      signal: this.stopping.signal,
      faults: options.faults,
      commit: (topic, partition, offset, messages) =>
        this.committer.stage(topic, partition, offset, messages),
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
    // A rebalance may move partitions: commit what is durable while this member still holds
    // them, so their next owner redelivers as little as possible.
    this.consumer.on(this.consumer.events.REBALANCING, () => void this.committer.flush());
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      if (lostTheBroker(payload.error) && this.currentState === 'running') {
        this.restartAfterBrokerLoss(payload.error);
        return;
      }
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
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.options.topics,
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.run();
    this.currentState = 'running';
    this.lag?.start();
  }

  private run(): Promise<void> {
    return this.consumer.run({
      autoCommit: false,
      // Offsets are resolved per message by the runner, only once durable: a stop mid-batch
      // must not mark the rest of the batch consumed.
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /**
   * kafkajs restarts a consumer after a retriable crash only. A broker that goes away while the
   * member rejoins its group (a broker restart or stop: the coordinator moves, then cannot be
   * found) crashes it with a NON-retriable error (`KafkaJSGroupCoordinatorNotFound`), and kafkajs
   * leaves it stopped — which would take the whole service down over a broker restart. So the
   * consumer connects and runs again itself, with full-jitter backoff (0.5 s doubling to 10 s),
   * until the broker answers or the consumer is stopped. kafkajs disconnected it before reporting
   * the crash; its subscriptions are kept.
   */
  private restartAfterBrokerLoss(error: Error): void {
    // A crash while a restart runs (the broker is still away) asks the same loop to go on.
    this.restartWanted = true;
    if (this.restarting) return;
    this.log('warn', 'consumer lost the broker while joining its group; starting it again', {
      group: this.options.groupId,
      error: error.message,
    });
    this.restarting = (async () => {
      let attempt = 0;
      while (this.restartWanted && !this.stopping.signal.aborted) {
        attempt += 1;
        await sleep(fullJitterDelay(attempt, { baseMs: 500, maxMs: 10_000 }), this.stopping.signal);
        if (this.stopping.signal.aborted) return;
        this.restartWanted = false;
        try {
          await this.consumer.connect();
          // kafkajs reports a failed join as another crash (restartWanted again), not a throw.
          await this.run();
        } catch (e) {
          this.restartWanted = true;
          this.log('warn', 'consumer could not start again yet', {
            group: this.options.groupId,
            attempt,
            error: e instanceof Error ? e.message : String(e),
          });
        }
      }
      if (!this.stopping.signal.aborted)
        this.log('info', 'consumer started again', { group: this.options.groupId, attempt });
    })().finally(() => (this.restarting = undefined));
  }

  /** Resolves when this member has first joined its group (partitions are being assigned). */
  whenJoined(): Promise<void> {
    return this.joined;
  }

  /**
   * Leaves the group after the message (or batch) in flight, committing what is durable;
   * uncommitted work is redelivered elsewhere.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.halting;
    await this.restarting;
    // The batch in flight ends at its next message once aborted; what it made durable is then
    // committed before the consumer leaves (kafkajs drops commits once it is stopping).
    await Promise.allSettled(this.batches);
    await this.shutdown();
    if (this.currentState !== 'failed') this.currentState = 'stopped';
  }

  private onBatch(payload: EachBatchPayload): Promise<void> {
    const running = this.runBatch(payload);
    this.batches.add(running);
    return running.finally(() => this.batches.delete(running));
  }

  private async runBatch(payload: EachBatchPayload): Promise<void> {
    if (this.stopping.signal.aborted || this.currentState === 'failed') {
      payload.pause();
      return;
    }
    const result = await this.runner.run({
      batch: payload.batch,
      resolveOffset: (offset) => payload.resolveOffset(offset),
      heartbeat: () => payload.heartbeat(),
      isActive: () => payload.isRunning() && !payload.isStale(),
    });
    if (result.action === 'halt') {
      // Not committing the message is the point; pausing stops kafkajs from fetching past it
      // before the consumer is gone.
      payload.pause();
      if (this.stopping.signal.aborted) return;
      this.currentState = 'failed';
      this.halting ??= new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => this.shutdown())
        .finally(() => this.options.onFatal?.(result.error));
    }
  }

  private commitFailed(offsets: PartitionOffset[], e: unknown): void {
    // Commits are cumulative: the next successful one covers these offsets. If none comes (the
    // partition moved), the new owner redelivers and the inbox absorbs the duplicates.
    for (const { topic, partition, offset } of offsets) {
      this.metrics.commitFailures.inc({ group: this.options.groupId, topic });
      this.log('warn', 'offset commit failed', {
        group: this.options.groupId,
        topic,
        partition,
        offset,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }

  private async shutdown(): Promise<void> {
    await this.committer.flush();
    this.committer.discard();
    await this.lag?.stop();
    await this.consumer.disconnect().catch(() => undefined);
    if (this.dlqConnected) await this.dlqProducer.disconnect().catch(() => undefined);
  }
}

/** kafkajs errors (or their causes) that mean the broker could not be reached, not a bug. */
const BROKER_LOST = new Set([
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSBrokerNotFound',
]);

/** Whether a crash came from losing the broker (see `restartAfterBrokerLoss`). */
function lostTheBroker(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if (BROKER_LOST.has(e.name)) return true;
  }
  return false;
}
