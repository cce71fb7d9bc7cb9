import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ResilienceRegistry } from './resilience.registry';

/**
 * Deletes expired idempotency keys periodically when `idempotency.purgeIntervalMs` is set.
 * Safe on every instance at once: the purge skips rows another purger holds. The timer is
 * unref'd, so it never keeps a process alive, and stops with the application.
 */
@Injectable()
export class IdempotencyPurger implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('IdempotencyPurger');
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly registry: ResilienceRegistry) {}

  onModuleInit(): void {
    const intervalMs = this.registry.options.idempotency?.purgeIntervalMs;
    if (!this.registry.idempotencyStore || intervalMs === undefined) return;
    if (!(intervalMs >= 10)) throw new RangeError('idempotency.purgeIntervalMs must be >= 10');
    this.timer = setInterval(() => void this.purgeOnce(), intervalMs).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One purge run; returns how many keys were deleted (0 when one is already running). */
  async purgeOnce(): Promise<number> {
    const store = this.registry.idempotencyStore;
    if (!store || this.running) return 0;
    this.running = true;
    try {
      return await store.purgeExpired(this.registry.options.idempotency?.purgeBatchSize ?? 1000);
    } catch (e) {
      this.logger.warn(`purging expired idempotency keys failed: ${String(e)}`);
      return 0;
    } finally {
      this.running = false;
    }
  }
}
