import type { EventEnvelope } from '@rc/contracts';
import type { Kafka, Message, Producer } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { createIdempotentProducer } from '../kafka/kafka-client.factory';
import { encodeEvent } from '../kafka/message-codec';
import { RelayFencedError } from '../messaging.errors';
import { fullJitterDelay, sleep, type BackoffOptions } from '../shared/backoff';
import { silentLogger, type MessagingLogger } from '../shared/messaging-logger';
import { outboxRelayMetrics, type OutboxRelayMetrics } from './outbox-relay.metrics';
import { publishSpans } from './publish-spans';
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
  /** Wait between polls when the outbox is drained, in ms (default 200). */
  pollIntervalMs?: number;
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
}

interface OutboxRow {
  id: string;
  topic: string;
  payload: EventEnvelope;
  headers: Record<string, string>;
}

/**
 * Publishes committed outbox rows to Kafka, in id order, with an idempotent producer and
 * `acks: -1`, then marks them published. Exactly one replica per relay name is active (see
 * {@link RelayLeadership}); the others stand by and take over within `standbyPollIntervalMs`
 * of the leader's session ending. When Kafka or Postgres fails the rows stay where they are and
 * the relay backs off with jitter, forever: nothing is lost, only delayed (watch the backlog
 * and oldest-age gauges). Delivery is at-least-once: consumers deduplicate on the event id.
 */
export class OutboxRelay {
  private readonly leadership: RelayLeadership;
  private producer: Producer;
  private readonly metrics: OutboxRelayMetrics;
  private readonly log: MessagingLogger;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private producerConnected = false;
  private lastBacklogSample = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    const instanceId =
      options.instanceId ?? `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
    this.leadership = new RelayLeadership(options.pool, options.name, instanceId);
    this.producer = this.newProducer();
    this.metrics = outboxRelayMetrics(options.registry);
    this.log = options.logger ?? silentLogger;
    this.metrics.leader.set({ relay: options.name }, 0);
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
    if (this.producerConnected) await this.producer.disconnect();
    this.producerConnected = false;
  }

  private async run(): Promise<void> {
    const relay = this.options.name;
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      try {
        if (!this.leadership.isLeader) {
          this.metrics.leader.set({ relay }, 0);
          if (!(await this.leadership.tryAcquire())) {
            await sleep(this.options.standbyPollIntervalMs ?? 1_000, this.stopping.signal);
            continue;
          }
          this.metrics.leader.set({ relay }, 1);
          this.log('info', 'outbox relay is now the leader', {
            relay,
            epoch: this.leadership.epoch,
          });
        }
        const published = await this.publishBatch();
        failures = 0;
        if (published < (this.options.batchSize ?? 100)) {
          await sleep(this.options.pollIntervalMs ?? 200, this.stopping.signal);
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

  /** One cycle: verify the lease, read a batch, send it, mark it. Returns rows published. */
  private async publishBatch(): Promise<number> {
    await this.leadership.verify();
    const session = this.leadership.session;
    const epoch = this.leadership.epoch!;
    const { rows } = await session.query<OutboxRow>(
      `SELECT id, topic, payload, headers FROM outbox
       WHERE published_at IS NULL ORDER BY id LIMIT $1`,
      [this.options.batchSize ?? 100],
    );
    await this.sampleBacklog(rows.length === 0);
    if (rows.length === 0) return 0;

    await this.send(rows);
    const ids = rows.map((r) => r.id);
    const marked = await session.query(
      `UPDATE outbox o SET published_at = now()
       FROM outbox_relay_lease l
       WHERE l.relay_name = $2 AND l.epoch = $3 AND o.id = ANY($1::bigint[]) AND o.published_at IS NULL`,
      [ids, this.options.name, epoch],
    );
    if (marked.rowCount !== rows.length) {
      // Another leader took over while this batch was in flight: it will (re)publish whatever
      // this one could not mark, so stop acting as leader now.
      await this.leadership.verify();
      throw new RelayFencedError(this.options.name, epoch);
    }
    for (const row of rows)
      this.metrics.published.inc({ relay: this.options.name, topic: row.topic });
    return rows.length;
  }

  private async send(rows: OutboxRow[]): Promise<void> {
    const spans = publishSpans(rows);
    const byTopic = new Map<string, Message[]>();
    rows.forEach((row, i) => {
      const message = encodeEvent(row.payload, { ...row.headers, ...spans.carriers[i] });
      byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), message]);
    });
    try {
      if (!this.producerConnected) {
        await this.producer.connect();
        this.producerConnected = true;
      }
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      spans.end();
    } catch (e) {
      spans.end(e);
      await this.resetProducer();
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      await this.leadership.session.query(
        `UPDATE outbox SET attempts = attempts + 1, last_error = left($2, 1000)
         WHERE id = ANY($1::bigint[])`,
        [rows.map((r) => r.id), message],
      );
      throw new KafkaPublishError(message, e);
    }
  }

  /**
   * After a failed send, starts over with a new producer (new connections, new producer id):
   * after a broker restart an idempotent producer's sequence state may be stale.
   */
  private async resetProducer(): Promise<void> {
    const old = this.producer;
    this.producer = this.newProducer();
    this.producerConnected = false;
    await old.disconnect().catch(() => undefined);
  }

  private newProducer(): Producer {
    return createIdempotentProducer(this.options.kafka, {
      ...(this.options.producerRetries !== undefined && { retries: this.options.producerRetries }),
    });
  }

  /** Refreshes the backlog gauges at most once a second (and always when drained). */
  private async sampleBacklog(drained: boolean): Promise<void> {
    const relay = this.options.name;
    if (drained) {
      this.metrics.backlog.set({ relay }, 0);
      this.metrics.oldestAge.set({ relay }, 0);
      return;
    }
    if (Date.now() - this.lastBacklogSample < 1_000) return;
    this.lastBacklogSample = Date.now();
    const { rows } = await this.leadership.session.query<{ n: string; age: number | null }>(
      `SELECT count(*) AS n, EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS age
       FROM outbox WHERE published_at IS NULL`,
    );
    this.metrics.backlog.set({ relay }, Number(rows[0]?.n ?? 0));
    this.metrics.oldestAge.set({ relay }, rows[0]?.age ?? 0);
  }
}

/** Kafka did not acknowledge a batch: transient by nature, the relay keeps its leadership. */
class KafkaPublishError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'KafkaPublishError';
  }
}
