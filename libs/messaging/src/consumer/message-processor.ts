import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { parseEvent, type DomainEvent, type EventType } from '@rc/contracts';
import type { KafkaMessage, Producer } from 'kafkajs';
import { headersToRecord } from '../kafka/message-codec';
import { startConsumerSpan } from './consumer-span';
import { fullJitterDelay, sleep, type BackoffOptions } from '../shared/backoff';
import type { MessagingFaults } from '../shared/messaging-faults';
import type { MessagingLogger } from '../shared/messaging-logger';
import { deadLetterMessage, type DeadLetterReason } from './dead-letter';
import type { ErrorClassifier } from './error-classifier';
import type { EventHandler, EventHandlers, HandlerContext } from './event-handler';
import type { EventConsumerMetrics } from './event-consumer.metrics';

/** What the consumer does with the offset after a message: commit it, or halt without. */
export type Decision = { action: 'commit' } | { action: 'halt'; error: unknown };

/** One message to process: where it came from and how to heartbeat while retrying it. */
export interface Delivery {
  topic: string;
  partition: number;
  message: KafkaMessage;
  /** Keeps the group membership alive; throws when a rebalance is under way. */
  heartbeat: () => Promise<void>;
}

/** Collaborators of {@link MessageProcessor}. */
export interface MessageProcessorDeps {
  group: string;
  handlers: EventHandlers;
  classify: ErrorClassifier;
  maxAttempts: number;
  backoff: BackoffOptions;
  heartbeatIntervalMs: number;
  dlqProducer: Producer;
  metrics: EventConsumerMetrics;
  log: MessagingLogger;
  signal: AbortSignal;
  random: () => number;
  /** `consume` fault rules, applied before each attempt (optional). */
  faults?: MessagingFaults | undefined;
}

/**
 * One message's journey: parse and validate → handler (in a consumer span that continues the
 * producer's trace) → retries with full-jitter backoff for transient errors, heartbeating so
 * the group does not evict us → dead-letter when invalid, permanent or out of attempts.
 * Returns `commit` once the outcome is durable (handled, skipped or safely in the DLQ), `halt`
 * for a fatal error or a stop mid-retry. Throws only when the DLQ publish itself fails: the
 * message must then be delivered again, not skipped.
 */
export class MessageProcessor {
  constructor(private readonly deps: MessageProcessorDeps) {}

  async process(payload: Delivery): Promise<Decision> {
    const { topic, message } = payload;
    const parsed = parseEvent(message.value ?? '');
    if (!parsed.ok) {
      await this.deadLetter(payload, 'INVALID_MESSAGE', parsed.error, 0);
      return { action: 'commit' };
    }
    const event = parsed.event;
    const handler = this.deps.handlers[event.type] as EventHandler<EventType> | undefined;
    if (!handler) {
      this.deps.metrics.messages.inc({ group: this.deps.group, topic, outcome: 'ignored' });
      return { action: 'commit' };
    }
    const headers = headersToRecord(message.headers);
    const { span, parent } = startConsumerSpan(
      { topic, partition: payload.partition, group: this.deps.group },
      message,
      event,
      headers,
    );
    try {
      return await context.with(trace.setSpan(parent, span), () =>
        this.handleWithRetries(payload, event, handler, headers),
      );
    } catch (e) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(e) });
      throw e;
    } finally {
      span.end();
    }
  }

  private async handleWithRetries(
    payload: Delivery,
    event: DomainEvent,
    handler: EventHandler<EventType>,
    headers: Record<string, string>,
  ): Promise<Decision> {
    const { group, metrics, maxAttempts } = this.deps;
    const { topic, partition, message } = payload;
    for (let attempt = 1; ; attempt++) {
      const ctx: HandlerContext = {
        topic,
        partition,
        offset: message.offset,
        attempt,
        headers,
        signal: this.deps.signal,
      };
      try {
        const faults = this.deps.faults;
        if (faults?.isActive('consume')) {
          await faults.injectMessaging('consume', topic, this.deps.signal);
        }
        await handler(event, ctx);
        metrics.messages.inc({ group, topic, outcome: 'processed' });
        return { action: 'commit' };
      } catch (error) {
        // Cut short by a stop (a handler or an injected delay honouring the signal): not the
        // message's fault, so no retry and no dead letter; it is delivered again.
        if (this.deps.signal.aborted) return { action: 'halt', error };
        const kind = this.deps.classify(error);
        const fields = {
          group,
          topic,
          partition,
          offset: message.offset,
          eventId: event.id,
          attempt,
        };
        if (kind === 'fatal') {
          metrics.fatal.inc({ group, topic });
          this.deps.log('error', 'handler error is fatal: consumer halts', {
            ...fields,
            error: String(error),
          });
          return { action: 'halt', error };
        }
        if (kind === 'permanent' || attempt >= maxAttempts) {
          const reason = kind === 'permanent' ? 'PERMANENT_ERROR' : 'RETRIES_EXHAUSTED';
          await this.deadLetter(payload, reason, error, attempt);
          return { action: 'commit' };
        }
        metrics.retries.inc({ group, topic });
        this.deps.log('warn', 'handler failed, retrying', { ...fields, error: String(error) });
        const stopped = await this.backoff(attempt, () => payload.heartbeat());
        if (stopped) return { action: 'halt', error: new Error('consumer stopping') };
      }
    }
  }

  /** Sleeps the backoff in heartbeat-sized slices; returns true if the consumer is stopping. */
  private async backoff(attempt: number, heartbeat: () => Promise<void>): Promise<boolean> {
    let remaining = fullJitterDelay(attempt, this.deps.backoff, this.deps.random);
    while (remaining > 0 && !this.deps.signal.aborted) {
      const slice = Math.min(remaining, this.deps.heartbeatIntervalMs);
      await sleep(slice, this.deps.signal);
      remaining -= slice;
      // Throws when a rebalance is under way: the partition may be gone, so stop retrying here
      // (nothing is committed; the next owner gets the message).
      if (!this.deps.signal.aborted) await heartbeat();
    }
    return this.deps.signal.aborted;
  }

  /**
   * Sends `payload` to its topic's DLQ (acknowledged by Kafka) and counts it.
   * @throws when the DLQ publish fails: the message must be delivered again, not skipped.
   */
  async deadLetter(
    payload: Pick<Delivery, 'topic' | 'partition' | 'message'>,
    reason: DeadLetterReason,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const { topic, partition, message } = payload;
    const { group } = this.deps;
    const { topic: dlq, ...entry } = deadLetterMessage(message, {
      topic,
      partition,
      group,
      reason,
      error,
      attempts,
    });
    await this.deps.dlqProducer.send({ topic: dlq, acks: -1, messages: [entry] });
    this.deps.metrics.deadLetters.inc({ group, topic, reason });
    this.deps.metrics.messages.inc({ group, topic, outcome: 'dead_lettered' });
    this.deps.log('warn', 'message dead-lettered', {
      group,
      topic,
      partition,
      offset: message.offset,
      dlq,
      reason,
      attempts,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
