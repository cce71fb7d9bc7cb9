import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { parseEvent, type DomainEvent, type ParseEventResult } from '@rc/contracts';
import type { Batch, KafkaMessage } from 'kafkajs';
import { headersToRecord } from '../kafka/message-codec';
import type { MessagingFaults } from '../shared/messaging-faults';
import type { MessagingLogger } from '../shared/messaging-logger';
import { startConsumerSpan } from './consumer-span';
import type { BatchCoalescer } from './batch-coalescer';
import type { BatchHandler, EventHandlers } from './event-handler';
import type { EventConsumerMetrics } from './event-consumer.metrics';
import type { MessageProcessor } from './message-processor';

/** The part of kafkajs' `eachBatch` payload the runner uses. */
export interface BatchDelivery {
  batch: Pick<Batch, 'topic' | 'partition' | 'messages'>;
  /** Marks a message consumed: the next fetch starts after it (nothing is committed by this). */
  resolveOffset: (offset: string) => void;
  heartbeat: () => Promise<void>;
  /** False once kafkajs is stopping, or when the partition was revoked or seeked. */
  isActive: () => boolean;
}

/** Collaborators of {@link BatchRunner}. */
export interface BatchRunnerDeps {
  group: string;
  handlers: EventHandlers;
  batchHandler: BatchHandler | undefined;
  /**
   * Joins the batches of the partitions fetched together into one `batchHandler` call
   * (`coalescePartitions`); then a batch of a single event is given to it too.
   */
  coalescer?: BatchCoalescer | undefined;
  processor: MessageProcessor;
  metrics: EventConsumerMetrics;
  log: MessagingLogger;
  signal: AbortSignal;
  /** `consume` fault rules, applied once before the batch handler (optional). */
  faults?: MessagingFaults | undefined;
  /**
   * Hands `offset` (the next one to read) of the partition, durable after `messages` more
   * settled messages, to the committer ({@link OffsetCommitter}); never throws.
   */
  commit: (topic: string, partition: number, offset: string, messages: number) => Promise<void>;
}

/** How a batch ended: all of it (or up to a stop) handled, or a halt at one message. */
export type BatchResult = { action: 'done' } | { action: 'halt'; error: unknown };

interface Entry {
  message: KafkaMessage;
  parsed: ParseEventResult;
  /** Its outcome is already durable (dead-lettered or skipped before the batch handler ran). */
  settled: boolean;
}

/**
 * One fetched batch of one partition, in offset order, then its durable position handed to the
 * offset committer (which coalesces the commits of several batches).
 *
 * With a {@link BatchHandler} and two or more events to handle (one or more when partitions are
 * coalesced, see {@link BatchCoalescer}): invalid messages go to the DLQ,
 * skipped types are counted, and the handled events are applied in one unit of work. If that
 * throws, the batch's events are processed one by one through the {@link MessageProcessor}
 * (per-event retries, DLQ, halt), so a poison event cannot block or roll back the others.
 * Without one (or with a single event) every message goes through the processor directly.
 *
 * The position handed on covers the longest prefix of the batch whose outcomes are durable, and
 * it is handed on even when the batch ends early (stop, halt, an error): a crash before it is
 * committed redelivers that prefix, which the handlers' inbox absorbs. Nothing after a halted
 * message is ever committed.
 */
export class BatchRunner {
  constructor(private readonly deps: BatchRunnerDeps) {}

  async run(delivery: BatchDelivery): Promise<BatchResult> {
    const { topic, partition } = delivery.batch;
    let durable: string | undefined;
    let settled = 0;
    const settle = (message: KafkaMessage) => {
      delivery.resolveOffset(message.offset);
      durable = message.offset;
      settled += 1;
    };
    try {
      const entries = delivery.batch.messages.map((message) => ({
        message,
        parsed: parseEvent(message.value ?? ''),
        settled: false,
      }));
      if (this.deps.batchHandler && (await this.tryBatch(delivery, entries))) {
        for (const entry of entries) settle(entry.message);
        await delivery.heartbeat();
        return { action: 'done' };
      }
      for (const entry of entries) {
        if (!entry.settled) {
          if (this.deps.signal.aborted || !delivery.isActive()) break;
          const decision = await this.deps.processor.process({
            topic,
            partition,
            message: entry.message,
            heartbeat: delivery.heartbeat,
          });
          if (decision.action === 'halt') return decision;
          await delivery.heartbeat();
        }
        settle(entry.message);
      }
      return { action: 'done' };
    } finally {
      if (durable !== undefined)
        await this.deps.commit(topic, partition, nextOffset(durable), settled);
    }
  }

  /**
   * Applies the batch's handled events in one go; true when every entry is then durable. False
   * (and the entries it settled marked so) when there was nothing worth batching or it failed.
   * @throws only when a DLQ publish fails (the batch must then be delivered again).
   */
  private async tryBatch(delivery: BatchDelivery, entries: Entry[]): Promise<boolean> {
    const { group, metrics } = this.deps;
    const { topic, partition } = delivery.batch;
    const handled = entries.filter((e) => e.parsed.ok && this.deps.handlers[e.parsed.event.type]);
    const coalescer = this.deps.coalescer;
    if (handled.length < (coalescer ? 1 : 2) || this.deps.signal.aborted) return false;
    for (const entry of entries) {
      if (!entry.parsed.ok) {
        await this.deps.processor.deadLetter(
          { topic, partition, message: entry.message },
          'INVALID_MESSAGE',
          entry.parsed.error,
          0,
        );
        entry.settled = true;
      } else if (!handled.includes(entry)) {
        metrics.messages.inc({ group, topic, outcome: 'ignored' });
        entry.settled = true;
      }
    }
    const events = handled.map((e) => (e.parsed as { event: DomainEvent }).event);
    const spans: Span[] = handled.map(
      (e, i) =>
        startConsumerSpan(
          { topic, partition, group },
          e.message,
          events[i]!,
          headersToRecord(e.message.headers),
        ).span,
    );
    try {
      const faults = this.deps.faults;
      if (faults?.isActive('consume')) {
        await faults.injectMessaging('consume', topic, this.deps.signal);
      }
      const offsets = handled.map((e) => e.message.offset);
      const context = {
        topic,
        partition,
        offsets,
        partitions: [{ topic, partition, offsets }],
        signal: this.deps.signal,
      };
      await (coalescer
        ? coalescer.apply(events, context)
        : this.deps.batchHandler!(events, context));
    } catch (error) {
      for (const span of spans) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'batch failed; retried one by one' });
        span.end();
      }
      metrics.batchFallbacks.inc({ group, topic });
      this.deps.log('warn', 'batch failed; processing its events one by one', {
        group,
        topic,
        partition,
        events: events.length,
        error: String(error),
      });
      return false;
    }
    for (const span of spans) span.end();
    metrics.messages.inc({ group, topic, outcome: 'processed' }, events.length);
    return true;
  }
}

function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}
