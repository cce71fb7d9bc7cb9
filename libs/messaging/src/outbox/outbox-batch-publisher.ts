import type { EventEnvelope } from '@rc/contracts';
import type { Kafka, Message, Producer } from 'kafkajs';
import { createIdempotentProducer } from '../kafka/kafka-client.factory';
import { encodeEvent } from '../kafka/message-codec';
import { RelayFencedError } from '../messaging.errors';
import type { MessagingFaults } from '../shared/messaging-faults';
import type { OutboxRelayMetrics } from './outbox-relay.metrics';
import { publishSpans } from './publish-spans';
import type { RelayLeadership } from './relay-leadership';

interface OutboxRow {
  id: string;
  topic: string;
  payload: EventEnvelope;
  headers: Record<string, string>;
}

/** A row of the batch query: the lease epoch, and an outbox row unless the outbox is drained. */
type LeasedRow = { epoch: string } & ({ id: null } | OutboxRow);

/** Kafka did not acknowledge a batch: transient by nature, the relay keeps its leadership. */
export class KafkaPublishError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'KafkaPublishError';
  }
}

/**
 * One relay cycle, run by the leader only and entirely on its lock session: read the lease and
 * the oldest unpublished rows in one statement (one snapshot; no rows are sent unless the epoch
 * is still ours), send them in one idempotent `acks: -1` request, and mark them published only
 * while the lease epoch is still ours. Two round trips per batch, one when drained.
 */
export class OutboxBatchPublisher {
  private producer: Producer;
  private producerConnected = false;
  private lastBacklogSample = 0;

  constructor(
    private readonly relay: string,
    private readonly kafka: Kafka,
    private readonly leadership: RelayLeadership,
    private readonly metrics: OutboxRelayMetrics,
    private readonly options: {
      batchSize: number;
      producerRetries?: number;
      faults?: MessagingFaults | undefined;
      /** Aborted when the relay stops: ends an injected delay. */
      signal?: AbortSignal;
    },
  ) {
    this.producer = this.newProducer();
  }

  /**
   * Publishes one batch; returns how many rows it published.
   * @throws RelayFencedError when another leader took over; KafkaPublishError when Kafka failed.
   */
  async publishBatch(): Promise<number> {
    const session = this.leadership.session;
    const epoch = this.leadership.epoch!;
    const { rows: leased } = await session.query<LeasedRow>(
      `SELECT l.epoch, o.id, o.topic, o.payload, o.headers
       FROM outbox_relay_lease l
       LEFT JOIN LATERAL (
         SELECT id, topic, payload, headers FROM outbox
         WHERE published_at IS NULL ORDER BY id LIMIT $2
       ) o ON true
       WHERE l.relay_name = $1
       ORDER BY o.id`,
      [this.relay, this.options.batchSize],
    );
    // No lease row at all, or another epoch: fenced, before anything is sent.
    this.leadership.check(leased[0]?.epoch);
    const rows = leased.filter((r): r is { epoch: string } & OutboxRow => r.id !== null);
    await this.sampleBacklog(rows.length === 0);
    if (rows.length === 0) return 0;

    await this.send(rows);
    const marked = await session.query(
      `UPDATE outbox o SET published_at = now()
       FROM outbox_relay_lease l
       WHERE l.relay_name = $2 AND l.epoch = $3
         AND o.id = ANY($1::bigint[]) AND o.published_at IS NULL`,
      [rows.map((r) => r.id), this.relay, epoch],
    );
    if (marked.rowCount !== rows.length) {
      // Another leader took over while this batch was in flight: it will (re)publish whatever
      // this one could not mark, so stop acting as leader now.
      await this.leadership.verify();
      throw new RelayFencedError(this.relay, epoch);
    }
    for (const row of rows) this.metrics.published.inc({ relay: this.relay, topic: row.topic });
    return rows.length;
  }

  /** Disconnects the producer. */
  async close(): Promise<void> {
    if (this.producerConnected) await this.producer.disconnect().catch(() => undefined);
    this.producerConnected = false;
  }

  private async send(rows: OutboxRow[]): Promise<void> {
    const spans = publishSpans(rows);
    const byTopic = new Map<string, Message[]>();
    rows.forEach((row, i) => {
      const message = encodeEvent(row.payload, { ...row.headers, ...spans.carriers[i] });
      byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), message]);
    });
    try {
      const faults = this.options.faults;
      if (faults?.isActive('publish')) {
        // Where a slow or failing broker would hurt: before the send, on the failure path below.
        for (const topic of byTopic.keys())
          await faults.injectMessaging('publish', topic, this.options.signal);
      }
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
    await this.close();
    this.producer = this.newProducer();
  }

  private newProducer(): Producer {
    const { producerRetries } = this.options;
    return createIdempotentProducer(this.kafka, {
      ...(producerRetries !== undefined && { retries: producerRetries }),
    });
  }

  /** Refreshes the backlog gauges at most once a second (and always when drained). */
  private async sampleBacklog(drained: boolean): Promise<void> {
    const labels = { relay: this.relay };
    if (drained) {
      this.metrics.backlog.set(labels, 0);
      this.metrics.oldestAge.set(labels, 0);
      return;
    }
    if (Date.now() - this.lastBacklogSample < 1_000) return;
    this.lastBacklogSample = Date.now();
    const { rows } = await this.leadership.session.query<{ n: string; age: number | null }>(
      `SELECT count(*) AS n, EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS age
       FROM outbox WHERE published_at IS NULL`,
    );
    this.metrics.backlog.set(labels, Number(rows[0]?.n ?? 0));
    this.metrics.oldestAge.set(labels, rows[0]?.age ?? 0);
  }
}
