import type { MessagingLogger } from '@rc/messaging';
import { Counter, type Registry } from 'prom-client';
import type { ExpireReservations } from '../application/expire-reservations.command';

/** Options of {@link ExpiryWorker}. */
export interface ExpiryWorkerOptions {
  /** Pause between sweeps, ms. */
  intervalMs: number;
  /** Reservations expired per transaction. */
  batchSize: number;
  registry?: Registry;
  logger?: MessagingLogger;
}

/**
 * Runs {@link ExpireReservations} every `intervalMs`: each sweep drains every due reservation,
 * one batch (one transaction) at a time, then sleeps. Every replica runs one; they share the
 * work through `FOR UPDATE SKIP LOCKED`. A failed sweep (database down) is logged and counted,
 * and the next one tries again: expiry is delayed, never lost, since the rows stay due.
 */
export class ExpiryWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly expired: Counter;
  private readonly failures: Counter;

  constructor(
    private readonly expire: ExpireReservations,
    private readonly options: ExpiryWorkerOptions,
  ) {
    const registers = options.registry ? [options.registry] : [];
    this.expired = new Counter({
      name: 'inventory_reservations_expired_total',
      help: 'Reservations whose hold ran out and whose units were given back.',
      registers,
    });
    this.failures = new Counter({
      name: 'inventory_expiry_sweep_failures_total',
      help: 'Expiry sweeps that failed (retried on the next interval).',
      registers,
    });
  }

  /** Starts sweeping (the first sweep runs after one interval). */
  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Expires every due reservation now; returns how many. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await this.expire.execute(this.options.batchSize);
      total += count;
      this.expired.inc(count);
      if (count < this.options.batchSize || this.stopped) return total;
    }
  }

  /** Stops scheduling and waits for a sweep in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sweep()
        .then((count) => {
          if (count > 0) this.options.logger?.('info', 'reservations expired', { count });
        })
        .catch((e: unknown) => {
          this.failures.inc();
          this.options.logger?.('warn', 'expiry sweep failed', { err: String(e) });
        })
        .finally(() => this.schedule());
    }, this.options.intervalMs);
    this.timer.unref();
  }
}
