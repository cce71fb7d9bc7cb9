import type { LogFunction } from '@rc/platform';
import type { LeasedRefund, ReconciliationQueue } from '../domain/payment-store.port';
import { handleLeased } from './leased-pass';
import { errorCodeOf, type RefundPayment } from './refund-payment.command';

/** What one retry of a pending refund did. */
export type RefundRetryOutcome = 'refunded' | 'failed';

/** Counts one retry (a metric in production). */
export type RefundRetryObserver = (outcome: RefundRetryOutcome) => void;

/**
 * Retries refunds the provider could not make when they were asked for. Each due pending
 * refund is leased (its next attempt pushed forward by a growing backoff in the same
 * statement), then refunded through {@link RefundPayment.retry} — idempotent per payment at
 * the provider, recorded once. A retry that fails stays pending for the next backoff. Every
 * retry is logged with the payment id, the attempt and an error code — never card data.
 */
export class RetryPendingRefunds {
  constructor(
    private readonly queue: ReconciliationQueue,
    private readonly refunds: RefundPayment,
    private readonly batchSize: number,
    private readonly log: LogFunction,
    private readonly observe: RefundRetryObserver = () => undefined,
  ) {}

  /** One pass over at most `batchSize` due refunds; counts by outcome. */
  async runOnce(): Promise<Record<RefundRetryOutcome, number>> {
    return handleLeased(
      await this.queue.leaseDueRefunds(this.batchSize),
      { refunded: 0, failed: 0 },
      (refund) => this.retry(refund),
      this.observe,
    );
  }

  private async retry({ paymentId, attempt }: LeasedRefund): Promise<RefundRetryOutcome> {
    try {
      await this.refunds.retry(paymentId);
      this.log('info', 'pending refund made', { paymentId, attempt });
      return 'refunded';
    } catch (error) {
      const errorCode = errorCodeOf(error);
      await this.queue.recordRefundFailure(paymentId, errorCode);
      this.log('warn', 'pending refund failed again, retrying later', {
        paymentId,
        attempt,
        errorCode,
      });
      return 'failed';
    }
  }
}
