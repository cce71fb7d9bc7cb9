import { outbox } from '@rc/messaging';
import type { Pool } from 'pg';
import { describeError, type CheckoutLogger } from '../application/checkout-logger';

/**
 * Deletes outbox rows published more than `retentionMs` ago, every `intervalMs` (unpublished
 * rows are never touched). Published rows are kept meanwhile for debugging and manual replay.
 * Returns the stop function. Safe in every replica: the DELETE is idempotent.
 */
export function startOutboxPruner(
  pool: Pool,
  options: { retentionMs: number; intervalMs: number },
  logger: CheckoutLogger,
): () => void {
  const timer = setInterval(() => {
    outbox
      .prunePublished(pool, options.retentionMs)
      .then((deleted) => {
        if (deleted > 0) logger.write('info', 'pruned published outbox rows', { deleted });
      })
      .catch((error: unknown) =>
        logger.write('warn', 'pruning the outbox failed', describeError(error)),
      );
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
