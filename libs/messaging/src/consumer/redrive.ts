import { DLQ_SUFFIX } from '@rc/contracts';
import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { createIdempotentProducer } from '../kafka/kafka-client.factory';
import { headersToRecord } from '../kafka/message-codec';
import { silentLogger, type MessagingLogger } from '../shared/messaging-logger';
import { DLQ_HEADERS, REDRIVE_COUNT_HEADER } from './dead-letter';

/** Options of {@link redrive}. */
export interface RedriveOptions {
  /** Most messages to move in this call. */
  limit: number;
  /**
   * Consumer group that tracks how far the DLQ has been redriven (default
   * `redrive.<dlqTopic>`): each call continues where the previous one stopped.
   */
  groupId?: string;
  /** Give up after this long, returning what was moved so far (default 30 000 ms). */
  timeoutMs?: number;
  logger?: MessagingLogger;
}

/** What {@link redrive} did. */
export interface RedriveResult {
  /** Messages re-published to their original topic (and committed on the DLQ). */
  redriven: number;
  /** True when the timeout ended the call before `limit` or the end of the DLQ was reached. */
  timedOut: boolean;
}

/**
 * Moves up to `limit` messages from `dlqTopic` back to the topic each came from (its
 * `dlq-original-topic` header, else the DLQ name minus `.dlq`): same key, same value, original
 * headers without the `dlq-*` ones, plus `redrive-count` incremented. Each message's DLQ offset
 * is committed after Kafka acknowledged the re-publish, so an interrupted redrive resumes
 * without losing anything (at worst one message is re-published twice; consumers deduplicate).
 * It moves at most as many messages as were waiting when it started, so a message that fails
 * again and returns to the DLQ during the call is not picked up twice. Use it after fixing the
 * cause: a message that still fails goes back to the DLQ with a higher redrive count.
 */
export async function redrive(
  kafka: Kafka,
  dlqTopic: string,
  options: RedriveOptions,
): Promise<RedriveResult> {
  if (!dlqTopic.endsWith(DLQ_SUFFIX)) throw new Error(`${dlqTopic} is not a dead-letter topic`);
  const groupId = options.groupId ?? `redrive.${dlqTopic}`;
  const log = options.logger ?? silentLogger;
  const pending = await pendingCount(kafka, dlqTopic, groupId);
  const target = Math.min(options.limit, pending);
  if (target <= 0) return { redriven: 0, timedOut: false };

  const producer = createIdempotentProducer(kafka);
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 500,
    allowAutoTopicCreation: false,
  });
  let redriven = 0;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [dlqTopic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async (payload) => {
        const { topic, partition, message } = payload;
        if (redriven >= target) {
          payload.pause();
          return;
        }
        const destination = originalTopicOf(dlqTopic, message);
        await producer.send({
          topic: destination,
          acks: -1,
          messages: [
            { key: message.key, value: message.value, headers: redrivenHeaders(message.headers) },
          ],
        });
        await consumer.commitOffsets([
          { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
        ]);
        redriven++;
        log('info', 'redrove dead-lettered message', {
          dlqTopic,
          destination,
          offset: message.offset,
        });
        if (redriven >= target) {
          payload.pause();
          finish();
        }
      },
    });
    const timedOut = await Promise.race([
      done.then(() => false),
      new Promise<boolean>((resolve) =>
        setTimeout(resolve, options.timeoutMs ?? 30_000, true).unref(),
      ),
    ]);
    return { redriven, timedOut };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
}

/** Messages in `dlqTopic` the redrive group has not committed yet. */
async function pendingCount(kafka: Kafka, dlqTopic: string, groupId: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(dlqTopic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [dlqTopic] });
    let pending = 0n;
    for (const { partition, high, low } of ends) {
      const offset = BigInt(
        committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1',
      );
      const from = offset >= BigInt(low) ? offset : BigInt(low);
      if (BigInt(high) > from) pending += BigInt(high) - from;
    }
    return Number(pending);
  } finally {
    await admin.disconnect();
  }
}

function originalTopicOf(dlqTopic: string, message: KafkaMessage): string {
  const header = headersToRecord(message.headers)[DLQ_HEADERS.originalTopic];
  return header || dlqTopic.slice(0, -DLQ_SUFFIX.length);
}

function redrivenHeaders(headers: IHeaders | undefined): Record<string, string> {
  const original = headersToRecord(headers);
  const dlqNames = new Set<string>(Object.values(DLQ_HEADERS));
  const kept = Object.fromEntries(Object.entries(original).filter(([name]) => !dlqNames.has(name)));
  return {
    ...kept,
    [REDRIVE_COUNT_HEADER]: String(Number(original[REDRIVE_COUNT_HEADER] ?? 0) + 1),
  };
}
