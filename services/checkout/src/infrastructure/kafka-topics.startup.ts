import { ensureTopics, fullJitterDelay } from '@rc/messaging';
import type { Kafka } from 'kafkajs';
import type { CheckoutLogger } from '../application/checkout-logger';
import { describeError } from '../application/checkout-logger';

/**
 * Creates the topics checkout produces to (and their DLQs) without holding up start-up: a
 * broker that is down must not stop orders from being taken — the outbox keeps their events
 * until the relay can publish. Retries with jittered backoff until it succeeds or `stop()`.
 * Returns the stop function.
 */
export function ensureTopicsInBackground(
  kafka: Kafka,
  topics: readonly string[],
  logger: CheckoutLogger,
): () => void {
  const stopping = new AbortController();
  void (async () => {
    for (let attempt = 1; !stopping.signal.aborted; attempt++) {
      const admin = kafka.admin();
      try {
        await admin.connect();
        const result = await ensureTopics(admin, topics);
        logger.write('info', 'kafka topics ready', { topics, created: result.created });
        return;
      } catch (error) {
        logger.write('warn', 'ensuring kafka topics failed; retrying', describeError(error));
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
      const delay = fullJitterDelay(attempt, { baseMs: 500, maxMs: 10_000 });
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, delay);
        timer.unref();
        stopping.signal.addEventListener('abort', () => resolve(undefined), { once: true });
      });
    }
  })();
  return () => stopping.abort();
}
