import { ensureTopics, fullJitterDelay, type MessagingLogger } from '@rc/messaging';
import type { Kafka } from 'kafkajs';

/**
 * Creates the topics (and their DLQs) without making start-up wait for Kafka: tries at once,
 * then again with backoff until it succeeds or the returned `stop` is called. The cart must
 * start and serve while Kafka is down; its events are best-effort anyway.
 */
export function ensureTopicsInBackground(
  kafka: Kafka,
  topics: string[],
  log: MessagingLogger,
): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt = async (n: number): Promise<void> => {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const { created } = await ensureTopics(admin, topics);
      if (created.length > 0) log('info', 'kafka topics created', { topics: created });
      return;
    } catch (e) {
      log('warn', 'kafka topics not ensured yet, will retry', {
        attempt: n,
        error: e instanceof Error ? e.message : String(e),
      });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (!stopped) {
      timer = setTimeout(
        () => void attempt(n + 1),
        fullJitterDelay(n, { baseMs: 1_000, maxMs: 30_000 }) + 500,
      );
      timer.unref();
    }
  };
  void attempt(1);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
