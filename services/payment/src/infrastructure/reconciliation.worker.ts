import { BackgroundLoop, type LogFunction } from '@rc/platform';
import { Counter, type Registry } from 'prom-client';
import type { ReconcilePayments } from '../application/reconcile-payments.command';
import type { RetryPendingRefunds } from '../application/retry-pending-refunds.command';

/** Metric names of the reconciliation worker. */
export const RECONCILIATION_METRICS = {
  reconciled: 'payment_reconciled_total',
  refundRetries: 'payment_refund_retries_total',
} as const;

/** The reconciliation worker's counters, on the service's registry. */
export function reconciliationCounters(registry: Registry) {
  return {
    reconciled: new Counter({
      name: RECONCILIATION_METRICS.reconciled,
      help: 'Payments of unknown outcome or stale claims settled by the reconciliation worker, by outcome (captured, failed, unresolved, settled_meanwhile).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    refundRetries: new Counter({
      name: RECONCILIATION_METRICS.refundRetries,
      help: 'Retries of pending refunds by the reconciliation worker, by outcome (refunded, failed).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}

/**
 * Runs reconciliation passes on an interval: settle payments of unknown outcome, then retry
 * pending refunds. One pass at a time (the next starts `intervalMs` after the previous ended);
 * every replica runs one and the leases (`FOR UPDATE SKIP LOCKED` + a pushed-forward due time)
 * split the work between them. At rest a pass is two indexed queries that find nothing.
 */
export class ReconciliationWorker {
  private readonly loop: BackgroundLoop;

  constructor(
    private readonly payments: ReconcilePayments,
    private readonly refunds: RetryPendingRefunds,
    intervalMs: number,
    private readonly log: LogFunction,
  ) {
    this.loop = new BackgroundLoop({
      name: 'reconciliation',
      intervalMs,
      run: () => this.runOnce(),
    });
  }

  /** Starts the loop (the first pass after one interval). */
  start(): void {
    this.loop.start();
  }

  /** Stops the loop and waits for a pass in progress to end. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** One pass now (the loop's, and tests'). Never throws: a failing pass is logged and retried. */
  async runOnce(): Promise<void> {
    try {
      await this.payments.runOnce();
    } catch (error) {
      this.log('error', 'payment reconciliation pass failed', { error: String(error) });
    }
    try {
      await this.refunds.runOnce();
    } catch (error) {
      this.log('error', 'pending refund pass failed', { error: String(error) });
    }
  }
}
