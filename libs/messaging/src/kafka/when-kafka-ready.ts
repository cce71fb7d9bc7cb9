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
    // No kafkajs retries inside an attempt: this loop retries with its own backoff, which an
    // abort interrupts, so a stop never waits out kafkajs' retry schedule (seconds per attempt).
    const admin = kafka.admin({ retry: { retries: 0 } });
    // An abort also closes the connection in use, so a request in flight ends now.
    const closeOnAbort = (): void => void admin.disconnect().catch(() => undefined);
    options.signal.addEventListener('abort', closeOnAbort, { once: true });
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
      options.signal.removeEventListener('abort', closeOnAbort);
      await admin.disconnect().catch(() => undefined);
    }
  }
  return false;
}

/**
 * Ensures `topics` (and their DLQs) in the background, for services whose start-up must not wait
 * for Kafka (events wait in the outbox, or are best-effort). Returns the function that stops
 * trying (call it on shutdown): it resolves once the attempt in flight has ended, or after
 * `stopTimeoutMs` (default 2 s) when a broker does not answer even a disconnect.
 */
export function ensureTopicsInBackground(
  kafka: Kafka,
  topics: readonly string[],
  logger: MessagingLogger,
  stopTimeoutMs = 2_000,
): () => Promise<void> {
  const stopping = new AbortController();
  const done = whenKafkaReady(
    kafka,
    topics,
    async () => logger('info', 'kafka topics ready', { topics: [...topics] }),
    { signal: stopping.signal, logger },
  );
  return async () => {
    stopping.abort();
    await Promise.race([done, sleep(stopTimeoutMs, undefined, { ref: false })]);
  };
}
