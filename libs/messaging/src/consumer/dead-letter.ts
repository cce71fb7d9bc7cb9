import { dlqTopicOf } from '@rc/contracts';
import type { KafkaMessage, Message } from 'kafkajs';
import { headersToRecord } from '../kafka/message-codec';
import { errorCodeOf } from './error-classifier';

/** Headers a dead-letter entry carries on top of the original message's own headers. */
export const DLQ_HEADERS = {
  /** Topic the message was consumed from (where redrive sends it back). */
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  /** Kafka timestamp of the original message (ms since the epoch). */
  originalTimestamp: 'dlq-original-timestamp',
  /** Consumer group that gave up on it. */
  consumerGroup: 'dlq-consumer-group',
  /** A {@link DeadLetterReason}. */
  reason: 'dlq-reason',
  /** Stable code of the last error (e.g. `CONTRACTS.INVALID_EVENT_DATA`, `23505`). */
  errorCode: 'dlq-error-code',
  /** `Name: message` of the last error, truncated to 500 characters. */
  errorMessage: 'dlq-error-message',
  /** Handler attempts made (0 when the message could not even be parsed). */
  attempts: 'dlq-attempts',
  /** ISO-8601 time it was dead-lettered. */
  failedAt: 'dlq-failed-at',
} as const;

/** How many times a message has been redriven from a DLQ back to its topic. */
export const REDRIVE_COUNT_HEADER = 'redrive-count';

/** Why a message was dead-lettered. */
export type DeadLetterReason =
  /** Not JSON, bad envelope, unknown type or version, data failing its schema. */
  | 'INVALID_MESSAGE'
  /** The handler threw an error classed permanent. */
  | 'PERMANENT_ERROR'
  /** The handler kept failing with transient errors until the attempts ran out. */
  | 'RETRIES_EXHAUSTED';

/** Where a dead-lettered message came from and why it failed. */
export interface DeadLetterInfo {
  topic: string;
  partition: number;
  group: string;
  reason: DeadLetterReason;
  error: unknown;
  attempts: number;
  now?: Date;
}

/**
 * The DLQ entry for `message`: the original key, value and headers byte for byte (so redrive
 * can restore it exactly), plus the `dlq-*` headers describing its origin and failure.
 */
export function deadLetterMessage(
  message: KafkaMessage,
  info: DeadLetterInfo,
): Message & { topic: string } {
  const error = info.error;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    topic: dlqTopicOf(info.topic),
    key: message.key,
    value: message.value,
    headers: {
      ...headersToRecord(message.headers),
      [DLQ_HEADERS.originalTopic]: info.topic,
      [DLQ_HEADERS.originalPartition]: String(info.partition),
      [DLQ_HEADERS.originalOffset]: message.offset,
      [DLQ_HEADERS.originalTimestamp]: message.timestamp,
      [DLQ_HEADERS.consumerGroup]: info.group,
      [DLQ_HEADERS.reason]: info.reason,
      [DLQ_HEADERS.errorCode]: errorCodeOf(error),
      [DLQ_HEADERS.errorMessage]: text.slice(0, 500),
      [DLQ_HEADERS.attempts]: String(info.attempts),
      [DLQ_HEADERS.failedAt]: (info.now ?? new Date()).toISOString(),
    },
  };
}
