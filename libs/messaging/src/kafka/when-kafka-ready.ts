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
    // No kafkajs retries of the admin requests: this loop retries with its own backoff, which an
    // abort interrupts. (Connecting follows the client's own retry policy, which nothing can
    // interrupt: that is why a stop waits for the attempt only up to a bound.)
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

/** Options of {@link ensureTopicsInBackground}. */
export interface BackgroundTopicsOptions {
  /** Runs once the topics exist (e.g. starting a consumer); default: log that they are ready. */
  then?: () => Promise<void>;
  /** Longest the returned stop waits for the attempt in flight (default 2 s). */
  stopTimeoutMs?: number;
}

/**
 * Ensures `topics` (and their DLQs) in the background, then runs `options.then`, for services
 * whose start-up must not wait for Kafka (events wait in the outbox, are best-effort, or a
 * consumer simply starts later). Returns the function that stops trying (call it on shutdown):
 * it resolves once the attempt in flight has ended, or after `stopTimeoutMs` when a broker does
 * not answer (a connect stuck in kafkajs' own retries must not hold a shutdown up).
 */
export function ensureTopicsInBackground(
  kafka: Kafka,
  topics: readonly string[],
  logger: MessagingLogger,
  options: BackgroundTopicsOptions = {},
): () => Promise<void> {
  const stopping = new AbortController();
  const done = whenKafkaReady(
    kafka,
    topics,
    options.then ?? (async () => logger('info', 'kafka topics ready', { topics: [...topics] })),
    { signal: stopping.signal, logger },
  );
  return async () => {
    stopping.abort();
    await Promise.race([done, sleep(options.stopTimeoutMs ?? 2_000, undefined, { ref: false })]);
  };
}
