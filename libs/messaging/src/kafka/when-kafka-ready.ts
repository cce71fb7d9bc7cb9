import { fullJitterDelay } from '../shared/backoff';
import type { MessagingLogger } from '../shared/messaging-logger';
import { ensureTopics } from './ensure-topics';
import type { Kafka } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Ensures `topics` (and their DLQs) exist, then runs `then` — retrying with jittered backoff
 * (1 s → 15 s) until it succeeds or `signal` aborts. It runs in the background on purpose: the
 * HTTP path does not need Kafka (events wait in the outbox), so a broker outage at start-up
 * delays events, never the service. Resolves true once done, false when aborted.
 */
export async function whenKafkaReady(
  kafka: Kafka,
  topics: readonly string[],
  then: () => Promise<void>,
  options: { signal: AbortSignal; logger: MessagingLogger },
): Promise<boolean> {
  for (let attempt = 0; !options.signal.aborted; attempt++) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      await ensureTopics(admin, topics);
      await then();
      return true;
    } catch (e) {
      const delay = fullJitterDelay(attempt + 1, { baseMs: 1_000, maxMs: 15_000 });
      options.logger('warn', 'kafka not ready yet, retrying', { err: String(e), retryInMs: delay });
      await sleep(delay, undefined, { signal: options.signal }).catch(() => undefined);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
  return false;
}

/**
 * Ensures `topics` (and their DLQs) in the background, for services whose start-up must not wait
 * for Kafka (events wait in the outbox, or are best-effort). Returns the function that stops
 * trying (call it on shutdown).
 */
export function ensureTopicsInBackground(
  kafka: Kafka,
  topics: readonly string[],
  logger: MessagingLogger,
): () => void {
  const stopping = new AbortController();
  void whenKafkaReady(
    kafka,
    topics,
    async () => logger('info', 'kafka topics ready', { topics: [...topics] }),
    { signal: stopping.signal, logger },
  );
  return () => stopping.abort();
}
