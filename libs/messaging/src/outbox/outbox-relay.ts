import type { Kafka } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { RelayFencedError } from '../messaging.errors';
import { fullJitterDelay, sleep, type BackoffOptions } from '../shared/backoff';
import { Wakeup } from '../shared/wakeup';
import { silentLogger, type MessagingLogger } from '../shared/messaging-logger';
import type { MessagingFaults } from '../shared/messaging-faults';
import { KafkaPublishError, OutboxBatchPublisher } from './outbox-batch-publisher';
import {
  initialiseRelaySeries,
  outboxRelayMetrics,
  type OutboxRelayMetrics,
} from './outbox-relay.metrics';
import { RelayLeadership } from './relay-leadership';

/** Options of {@link OutboxRelay}. */
export interface OutboxRelayOptions {
  /** Relay name, normally the service name: replicas with the same name elect one leader. */
  name: string;
  /** Pool of the service's database (one connection is held out of it while leading). */
  pool: Pool;
  /** Kafka client (see `createKafka`). */
  kafka: Kafka;
  /** Rows per batch (default 100). */
  batchSize?: number;
  /**
   * Safety poll: how long a drained leader waits for a notification before it looks anyway, in
   * ms (default 5 000). New rows normally wake it at once (the outbox trigger's NOTIFY on
   * commit); this only bounds the delay when a notification is lost.
   */
  pollIntervalMs?: number;
  /**
   * Shortest time between the starts of two batches, in ms (default 200). Under load the
   * notifications of many commits fold into one batch (one Kafka request, one UPDATE) instead
   * of one batch per commit; at rest the first row is published as soon as it commits.
   */
  minBatchIntervalMs?: number;
  /**
   * Consecutive batches that found rows after which the leader stops listening and polls every
   * `minBatchIntervalMs` instead (default 3; 0 = always listen). Under sustained load the next
   * batch is due within that interval anyway, so a notification per committing transaction
   * only costs both sides a wake-up (Postgres reads each in a transaction of its own). The first
   * batch that finds nothing listens again and then looks once more, so a row committed
   * in between is not left to the safety poll.
   */
  pollAfterBusyBatches?: number;
  /** How often a standby retries the lock, in ms (default 1 000): bounds takeover time. */
  standbyPollIntervalMs?: number;
  /** kafkajs retries inside one send before the relay's own backoff takes over (default 5). */
  producerRetries?: number;
  /** Backoff after a failure (Kafka or Postgres down); default 500 ms doubling up to 10 s. */
  backoff?: BackoffOptions;
  /** Metrics registry (prom-client's global one by default). */
  registry?: Registry;
  /** Log sink (silent by default). */
  logger?: MessagingLogger;
  /** Identifies this instance in the lease row (default `<host>/<pid>/<random>`). */
  instanceId?: string;
  /**
   * The service's fault injector: its `publish` rules (by topic) delay or fail the sends as a
   * slow or failing broker would. None: no check at all.
   */
  faults?: MessagingFaults;
}

/**
 * Publishes committed outbox rows to Kafka, in id order, with an idempotent producer and
 * `acks: -1`, then marks them published. The leader is woken by the outbox trigger's NOTIFY when
 * rows commit (at most one batch per `minBatchIntervalMs`, 200 ms, so batches form under load) and
 * polls every `pollIntervalMs` in case a notification is lost; under sustained load it stops
 * listening and polls every `minBatchIntervalMs` (see `pollAfterBusyBatches`). Exactly one replica
 * per relay name is active (see {@link RelayLeadership}); the others stand by and take over within
 * `standbyPollIntervalMs` of the leader's session ending. When Kafka or Postgres fails the rows
 * stay where they are and the relay backs off with jitter, forever: nothing is lost, only delayed
 * (watch the backlog and oldest-age gauges). Delivery is at-least-once: consumers deduplicate on
 * the event id.
 */
export class OutboxRelay {
  private readonly leadership: RelayLeadership;
  private readonly batches: OutboxBatchPublisher;
  private readonly metrics: OutboxRelayMetrics;
  private readonly log: MessagingLogger;
  private readonly stopping = new AbortController();
  private readonly wakeup = new Wakeup();
  private loop: Promise<void> | undefined;

  constructor(private readonly options: OutboxRelayOptions) {
    const instanceId =
      options.instanceId ?? `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
    this.leadership = new RelayLeadership(options.pool, options.name, instanceId, () =>
      this.wakeup.notify(),
    );
    this.metrics = outboxRelayMetrics(options.registry);
    this.batches = new OutboxBatchPublisher(
      options.name,
      options.kafka,
      this.leadership,
      this.metrics,
      {
        batchSize: options.batchSize ?? 100,
        ...(options.producerRetries !== undefined && { producerRetries: options.producerRetries }),
        faults: options.faults,
        signal: this.stopping.signal,
      },
    );
    this.log = options.logger ?? silentLogger;
    initialiseRelaySeries(this.metrics, options.name);
  }

  /** The relay name (shared by the replicas competing for it). */
  get name(): string {
    return this.options.name;
  }

  /** True while this instance is the active relay. */
  get isLeader(): boolean {
    return this.leadership.isLeader;
  }

  /** Starts competing for leadership and publishing in the background. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops after the batch in flight, releases the lock (a standby takes over) and disconnects. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    await this.leadership.release();
    this.metrics.leader.set({ relay: this.options.name }, 0);
    this.metrics.listening.set({ relay: this.options.name }, 0);
    await this.batches.close();
  }

  private async run(): Promise<void> {
    const relay = this.options.name;
    const batchSize = this.options.batchSize ?? 100;
    const minInterval = this.options.minBatchIntervalMs ?? 200;
    const pollAfter = this.options.pollAfterBusyBatches ?? 3;
    let failures = 0;
    let lastBatchAt = 0;
    let backlog = false;
    // How many batches in a row found rows.
    let busyBatches = 0;
    while (!this.stopping.signal.aborted) {
      try {
        if (!this.leadership.isLeader) {
          this.metrics.leader.set({ relay }, 0);
          this.metrics.listening.set({ relay }, 0);
          if (!(await this.leadership.tryAcquire())) {
            await sleep(this.options.standbyPollIntervalMs ?? 1_000, this.stopping.signal);
            continue;
          }
          busyBatches = 0;
          this.metrics.leader.set({ relay }, 1);
          this.metrics.listening.set({ relay }, 1);
          this.log('info', 'outbox relay is now the leader', {
            relay,
            epoch: this.leadership.epoch,
          });
        }
        // Coalesce: after a partial batch, the next starts at most minInterval after it began
        // (a backlog is drained back to back).
        if (!backlog) await sleep(lastBatchAt + minInterval - Date.now(), this.stopping.signal);
        lastBatchAt = Date.now();
        // A notification from here on means rows this batch may not see: look again after it.
        this.wakeup.reset();
        const published = await this.batches.publishBatch();
        failures = 0;
        backlog = published >= batchSize;
        busyBatches = published > 0 ? busyBatches + 1 : 0;
        if (this.leadership.listening && pollAfter > 0 && busyBatches >= pollAfter) {
          // Sustained load: poll every minInterval, with no notification per commit.
          await this.leadership.listen(false);
          this.metrics.listening.set({ relay }, 0);
        } else if (!this.leadership.listening && published === 0) {
          // The load ended: listen again, then look once more after minInterval, since a row
          // that committed before the LISTEN took effect sent this session no notification.
          await this.leadership.listen(true);
          this.metrics.listening.set({ relay }, 1);
          continue;
        }
        if (!backlog && this.leadership.listening) {
          await this.wakeup.wait(this.options.pollIntervalMs ?? 5_000, this.stopping.signal);
        }
      } catch (e) {
        failures++;
        this.onFailure(e);
        const delay = fullJitterDelay(
          failures,
          this.options.backoff ?? { baseMs: 500, maxMs: 10_000 },
        );
        await sleep(delay, this.stopping.signal);
      }
    }
  }

  private onFailure(e: unknown): void {
    const relay = this.options.name;
    const error = e instanceof Error ? e : new Error(String(e));
    if (error instanceof KafkaPublishError) {
      this.metrics.failures.inc({ relay });
      this.log('warn', 'outbox relay could not publish; rows stay and are retried', {
        relay,
        error: error.message,
      });
      return;
    }
    if (error instanceof RelayFencedError) this.metrics.fenced.inc({ relay });
    this.leadership.stepDown(error);
    this.metrics.leader.set({ relay }, 0);
    this.log(error instanceof RelayFencedError ? 'warn' : 'error', 'outbox relay stepped down', {
      relay,
      error: error.message,
    });
  }
}
