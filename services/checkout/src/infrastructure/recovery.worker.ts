import { BackgroundLoop } from '@rc/platform';
import type { CheckoutLogger } from '../application/checkout-logger';
import { describeError } from '../application/checkout-logger';
import type { RecoverOrdersHandler } from '../application/recover-orders.command';

/**
 * Runs recovery passes on an interval (one pass at a time; the next waits `intervalMs` after
 * the previous ended, so a slow pass never overlaps the next). Every replica runs one: the row
 * locks (`FOR UPDATE SKIP LOCKED`) split the stalled orders between them.
 */
export class RecoveryWorker {
  private readonly loop: BackgroundLoop;

  constructor(
    private readonly recoverOrders: RecoverOrdersHandler,
    intervalMs: number,
    private readonly logger: CheckoutLogger,
  ) {
    this.loop = new BackgroundLoop({ name: 'recovery', intervalMs, run: () => this.runOnce() });
  }

  /** Starts the loop (the first pass after one interval). */
  start(): void {
    this.loop.start();
  }

  /** Stops the loop and waits for a pass in progress to end. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** Runs one pass now (also used by tests and by the loop). */
  async runOnce(): Promise<void> {
    try {
      await this.recoverOrders.runOnce();
    } catch (error) {
      this.logger.write('error', 'recovery pass failed', describeError(error));
    }
  }
}
