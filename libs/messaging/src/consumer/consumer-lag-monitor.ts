import type { Admin, Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { silentLogger, type MessagingLogger } from '../shared/messaging-logger';
import { gauge } from '@rc/resilience/metrics';

/** Options of {@link ConsumerLagMonitor}. */
export interface ConsumerLagMonitorOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  /** Sampling period in ms (default 15 000). */
  intervalMs?: number;
  registry?: Registry;
  logger?: MessagingLogger;
}

/** Lag of one partition for one consumer group. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** Log end offset (next offset to be written). */
  high: bigint;
  /** Committed offset of the group, or the earliest retained offset when it has none. */
  committed: bigint;
  /** `high - committed`: messages written but not yet durably processed by the group. */
  lag: bigint;
}

/**
 * Samples `messaging_consumer_lag{group,topic,partition}` periodically: the topic's end offsets
 * (`admin.fetchTopicOffsets`) minus the group's committed offsets (`admin.fetchOffsets`). Since
 * the consumer commits only after durable work, this is the backlog of unprocessed events, and
 * it keeps growing while the group is down (which a consumer-side counter could not show).
 */
export class ConsumerLagMonitor {
  private readonly admin: Admin;
  private readonly lagGauge;
  private readonly log: MessagingLogger;
  private timer: NodeJS.Timeout | undefined;
  private connected: Promise<void> | undefined;
  private inFlight: Promise<unknown> | undefined;

  constructor(private readonly options: ConsumerLagMonitorOptions) {
    this.admin = options.kafka.admin();
    this.log = options.logger ?? silentLogger;
    this.lagGauge = gauge(options.registry, {
      name: 'messaging_consumer_lag',
      help: 'Messages on a partition not yet committed by the consumer group (end offset - committed offset)',
      labelNames: ['group', 'topic', 'partition'],
    });
  }

  /**
   * Starts sampling in the background (the timer does not keep the process alive). The first
   * sample is taken at once: until then the group has no lag series at all, which a dashboard
   * shows as "no data" and a lag alert cannot tell from "no lag".
   */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sampleInBackground(), this.options.intervalMs ?? 15_000);
    this.timer.unref();
    this.sampleInBackground();
  }

  private sampleInBackground(): void {
    this.inFlight ??= this.sample()
      .catch((e: unknown) =>
        this.log('warn', 'consumer lag sample failed', {
          group: this.options.groupId,
          error: e instanceof Error ? e.message : String(e),
        }),
      )
      .finally(() => (this.inFlight = undefined));
  }

  /** Takes one sample now, updates the gauge and returns it. */
  async sample(): Promise<PartitionLag[]> {
    this.connected ??= this.admin.connect().catch((e: unknown) => {
      this.connected = undefined;
      throw e;
    });
    await this.connected;
    const { groupId, topics } = this.options;
    const committed = await this.admin.fetchOffsets({ groupId, topics });
    const result: PartitionLag[] = [];
    for (const topic of topics) {
      const ends = await this.admin.fetchTopicOffsets(topic);
      const groupOffsets = committed.find((t) => t.topic === topic)?.partitions ?? [];
      for (const { partition, high, low } of ends) {
        const offset = BigInt(groupOffsets.find((p) => p.partition === partition)?.offset ?? '-1');
        const from = offset >= 0n ? offset : BigInt(low);
        const lag = BigInt(high) > from ? BigInt(high) - from : 0n;
        this.lagGauge.set({ group: groupId, topic, partition: String(partition) }, Number(lag));
        result.push({ topic, partition, high: BigInt(high), committed: from, lag });
      }
    }
    return result;
  }

  /** Stops sampling and disconnects the admin client. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
    if (this.connected) await this.admin.disconnect().catch(() => undefined);
    this.connected = undefined;
  }
}
