import type { LogFunction } from '@rc/platform';
import type { Payment } from '../domain/payment';
import type { PaymentProvider, ProviderChargeLookup } from '../domain/payment-provider.port';
import type { PaymentUnitOfWork, ReconciliationQueue } from '../domain/payment-store.port';
import { handleLeased } from './leased-pass';
import { paymentCapturedEvent, paymentFailedEvent } from './payment-events';
import { errorCodeOf } from './refund-payment.command';

/** Decline code of a payment the provider has no charge for (the request never reached it). */
export const NOT_CHARGED_CODE = 'not_charged';

/**
 * What reconciling one payment did: settled `captured` or `failed`; `unresolved` (the provider
 * could not answer — looked at again after a backoff); `settled_meanwhile` (its own request or
 * another worker settled it first: nothing changed).
 */
export type ReconcileOutcome = 'captured' | 'failed' | 'unresolved' | 'settled_meanwhile';

/** Counts one reconciliation (a metric in production). */
export type ReconcileObserver = (outcome: ReconcileOutcome) => void;

/**
 * Settles payments whose charge outcome is not known: AUTHORIZED ones marked "outcome unknown"
 * (the provider call timed out after sending) and AUTHORIZED ones older than the stale
 * threshold (their request died between claim and settle). For each it asks the provider what
 * the charge under the payment id became and settles it exactly as the charge would have —
 * CAPTURED + `PaymentCaptured`, or FAILED + `PaymentFailed` — through the same guarded
 * transition (only from AUTHORIZED), so a concurrent settle by the request wins cleanly and no
 * event is written twice. A lookup that fails leaves the payment AUTHORIZED: the lease already
 * scheduled the next look after a backoff. Checkout reads AUTHORIZED as "outcome unknown", and
 * a capture found here is refunded by its compensation when the order did not go through.
 */
export class ReconcilePayments {
  constructor(
    private readonly queue: ReconciliationQueue,
    private readonly uow: PaymentUnitOfWork,
    private readonly provider: PaymentProvider,
    private readonly batchSize: number,
    private readonly log: LogFunction,
    private readonly observe: ReconcileObserver = () => undefined,
  ) {}

  /** One pass over at most `batchSize` due payments; counts by outcome. */
  async runOnce(): Promise<Record<ReconcileOutcome, number>> {
    return handleLeased(
      await this.queue.leaseUnsettled(this.batchSize),
      { captured: 0, failed: 0, unresolved: 0, settled_meanwhile: 0 },
      ({ payment, attempt }) => this.reconcile(payment, attempt),
      this.observe,
    );
  }

  private async reconcile(payment: Payment, attempt: number): Promise<ReconcileOutcome> {
    const fields = { paymentId: payment.id, orderId: payment.orderId, attempt };
    let found: ProviderChargeLookup;
    try {
      found = await this.provider.lookup(payment.id);
    } catch (error) {
      this.log('warn', 'payment reconciliation: provider lookup failed, retrying later', {
        ...fields,
        errorCode: errorCodeOf(error),
      });
      return 'unresolved';
    }
    if (
      found.status === 'captured' &&
      (found.amount !== payment.amount || found.currency !== payment.currency)
    ) {
      // The money is taken either way: record the capture (so it is confirmed or refunded) and
      // flag the discrepancy for a human.
      this.log('error', 'payment reconciliation: provider captured another amount', {
        ...fields,
        amount: payment.amount,
        providerAmount: found.amount,
        providerCurrency: found.currency,
      });
    }
    const settled = await this.uow.single((tx) =>
      found.status === 'captured'
        ? tx.settleAuthorized(payment.id, 'CAPTURED', paymentCapturedEvent(payment))
        : found.status === 'declined'
          ? tx.settleAuthorized(
              payment.id,
              'FAILED',
              paymentFailedEvent(payment, 'PAYMENT.DECLINED'),
              found.declineCode,
            )
          : tx.settleAuthorized(
              payment.id,
              'FAILED',
              paymentFailedEvent(payment, 'PAYMENT.NOT_CHARGED'),
              NOT_CHARGED_CODE,
            ),
    );
    const outcome: ReconcileOutcome = !settled
      ? 'settled_meanwhile'
      : found.status === 'captured'
        ? 'captured'
        : 'failed';
    this.log('info', 'payment reconciled', { ...fields, outcome, provider: found.status });
    return outcome;
  }
}
