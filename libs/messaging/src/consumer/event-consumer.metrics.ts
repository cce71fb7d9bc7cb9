import type { Registry } from 'prom-client';
import { counter } from '@rc/resilience/metrics';
import type { DeadLetterReason } from './dead-letter';

/** Every `outcome` of `messaging_consumer_messages_total`. */
const OUTCOMES = ['processed', 'ignored', 'dead_lettered'] as const;
/** Every `reason` of `messaging_consumer_dead_letters_total`. */
const DEAD_LETTER_REASONS: readonly DeadLetterReason[] = [
  'INVALID_MESSAGE',
  'PERMANENT_ERROR',
  'RETRIES_EXHAUSTED',
];

/** The consumer's metrics, labelled by consumer group and topic. */
export function eventConsumerMetrics(registry: Registry | undefined) {
  return {
    messages: counter(registry, {
      name: 'messaging_consumer_messages_total',
      help: 'Messages finished by a consumer, by outcome (processed, ignored, dead_lettered)',
      labelNames: ['group', 'topic', 'outcome'],
    }),
    retries: counter(registry, {
      name: 'messaging_consumer_retries_total',
      help: 'Handler attempts retried after a transient error',
      labelNames: ['group', 'topic'],
    }),
    deadLetters: counter(registry, {
      name: 'messaging_consumer_dead_letters_total',
      help: 'Messages sent to a dead-letter topic, by reason',
      labelNames: ['group', 'topic', 'reason'],
    }),
    fatal: counter(registry, {
      name: 'messaging_consumer_fatal_errors_total',
      help: 'Handler errors classed fatal: the consumer stopped without committing',
      labelNames: ['group', 'topic'],
    }),
    batchFallbacks: counter(registry, {
      name: 'messaging_consumer_batch_fallbacks_total',
      help: 'Batches whose batch handler failed, so their events were processed one by one',
      labelNames: ['group', 'topic'],
    }),
    commitFailures: counter(registry, {
      name: 'messaging_consumer_commit_failures_total',
      help: 'Offset commits that failed (the message may be redelivered; the inbox absorbs it)',
      labelNames: ['group', 'topic'],
    }),
  };
}

/** The consumer's metrics. */
export type EventConsumerMetrics = ReturnType<typeof eventConsumerMetrics>;

/**
 * Exports every series of one consumer group's topics at 0 before the first message: a labelled
 * counter otherwise appears only on its first increment, so a dashboard shows no series and an
 * alert on `increase(...) > 0` misses the first dead letter. The label sets are bounded (topics
 * from config, closed enums).
 */
export function initialiseConsumerSeries(
  metrics: EventConsumerMetrics,
  group: string,
  topics: readonly string[],
): void {
  for (const topic of topics) {
    const labels = { group, topic };
    for (const outcome of OUTCOMES) metrics.messages.inc({ ...labels, outcome }, 0);
    for (const reason of DEAD_LETTER_REASONS) metrics.deadLetters.inc({ ...labels, reason }, 0);
    metrics.retries.inc(labels, 0);
    metrics.fatal.inc(labels, 0);
    metrics.commitFailures.inc(labels, 0);
    metrics.batchFallbacks.inc(labels, 0);
  }
}
