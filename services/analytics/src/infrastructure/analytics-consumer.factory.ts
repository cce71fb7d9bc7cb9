import {
  EventConsumer,
  type BatchHandler,
  type EventHandlers,
  type MessagingFaults,
  type MessagingLogger,
} from '@rc/messaging';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';

/** Options of {@link createAnalyticsConsumer}. */
export interface AnalyticsConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handlers: EventHandlers;
  /** Applies a fetched batch in one transaction; `handlers` are the per-event fallback. */
  batchHandler?: BatchHandler;
  maxAttempts: number;
  registry: Registry;
  logger: MessagingLogger;
  /** Called when the consumer halts (missing table, bad credentials): the process exits. */
  onFatal: (error: unknown) => void;
  /** Group timings and lag sampling (tests make them short). */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Longest a fetch waits for new messages (the service's KAFKA_FETCH_MAX_WAIT_MS). */
  maxWaitTimeMs?: number;
  lagSampleIntervalMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** The service's fault injector: its `consume` rules delay or fail the handling. */
  faults?: MessagingFaults;
}

/**
 * Partitions one analytics member applies together. Analytics reads every domain topic (3
 * partitions each by default, 12 in all); a member reading more still works, its batches beyond
 * this number are joined with the next ones.
 */
export const ANALYTICS_PARTITIONS_CONCURRENTLY = 16;

/**
 * The one consumer of analytics, a member of group `groupId` on every domain topic. Offsets
 * are committed only after the inbox transaction committed (or the message is in its DLQ), so
 * while analytics is down or slow, events simply wait in Kafka (lag grows) and nothing
 * upstream notices. Fetches gather up to 16 KiB (the library's default) or wait up to
 * `maxWaitTimeMs` (the service passes KAFKA_FETCH_MAX_WAIT_MS), and the batches of all the
 * partitions of one fetch are applied in one statement by `batchHandler` (`coalescePartitions`):
 * analytics is tier 4 and reads many partitions at a modest rate each, so one unit of work per
 * fetch instead of one per partition.
 */
export function createAnalyticsConsumer(options: AnalyticsConsumerOptions): EventConsumer {
  return new EventConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: options.topics,
    handlers: options.handlers,
    ...(options.batchHandler && {
      batchHandler: options.batchHandler,
      coalescePartitions: true,
      partitionsConsumedConcurrently: ANALYTICS_PARTITIONS_CONCURRENTLY,
    }),
    maxAttempts: options.maxAttempts,
    registry: options.registry,
    logger: options.logger,
    onFatal: options.onFatal,
    ...(options.sessionTimeoutMs !== undefined && {
      sessionTimeoutMs: options.sessionTimeoutMs,
      rebalanceTimeoutMs: options.sessionTimeoutMs,
    }),
    ...(options.heartbeatIntervalMs !== undefined && {
      heartbeatIntervalMs: options.heartbeatIntervalMs,
    }),
    ...(options.maxWaitTimeMs !== undefined && { maxWaitTimeMs: options.maxWaitTimeMs }),
    ...(options.lagSampleIntervalMs !== undefined && {
      lagSampleIntervalMs: options.lagSampleIntervalMs,
    }),
    ...(options.backoff && { backoff: options.backoff }),
    ...(options.faults && { faults: options.faults }),
  });
}
