import type { CheckoutLogger } from '../application/checkout-logger';
import { describeError } from '../application/checkout-logger';
import type { RecoverOrdersHandler } from '../application/recover-orders.command';

/**
 * Runs recovery passes on an interval (one pass at a time; the next waits `intervalMs` after
 * the previous ended, so a slow pass never overlaps the next). Every replica runs one: the row
 * locks (`FOR UPDATE SKIP LOCKED`) split the stalled orders between them.
 */
export class RecoveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly recoverOrders: RecoverOrdersHandler,
    private readonly intervalMs: number,
    private readonly logger: CheckoutLogger,
  ) {}

  /** Starts the loop (the first pass after one interval). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  /** Stops the loop and waits for a pass in progress to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Runs one pass now (also used by tests and by the loop). */
  async runOnce(): Promise<void> {
    try {
      await this.recoverOrders.runOnce();
    } catch (error) {
      this.logger.write('error', 'recovery pass failed', describeError(error));
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.intervalMs);
    this.timer.unref();
  }
}
