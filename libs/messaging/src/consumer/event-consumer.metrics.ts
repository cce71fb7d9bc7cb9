import type { Registry } from 'prom-client';
import { counter } from '../shared/metric-factory';

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
    commitFailures: counter(registry, {
      name: 'messaging_consumer_commit_failures_total',
      help: 'Offset commits that failed (the message may be redelivered; the inbox absorbs it)',
      labelNames: ['group', 'topic'],
    }),
  };
}

/** The consumer's metrics. */
export type EventConsumerMetrics = ReturnType<typeof eventConsumerMetrics>;
