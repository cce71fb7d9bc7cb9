import type { PaymentPort } from '../domain/ports/payment.port';
import type { ReservationPort } from '../domain/ports/reservation.port';
import { describeError, type CheckoutLogger } from './checkout-logger';
import { SAGA_SPANS, sagaStep } from './saga-tracing';

/** What a compensation must undo. */
export interface CompensationPlan {
  /** Look for (and refund) a captured payment of the order. */
  readonly checkPayments: boolean;
  /**
   * Whether no charge of this order can still be in flight. When false (the charge just timed
   * out), finding no payment proves nothing — the capture may land a moment later — so the
   * compensation stays incomplete and the recovery worker looks again once the order is stale.
   */
  readonly paymentSettled: boolean;
}

/** `done`: nothing of the order is left reserved or captured. `incomplete`: try again later. */
export type CompensationResult = 'done' | 'incomplete';

/**
 * Undoes the remote effects of a failed order: refunds its captured payment and releases its
 * reservation. Both are idempotent at the other end (keys `order:<id>:refund` and
 * `order:<id>:release`), so running a compensation twice — the request, then the recovery
 * worker — is harmless. It never throws: a step that fails makes the result `incomplete`, and
 * the other step is still attempted. Traced as `saga.compensate` (outcome `done`/`incomplete`)
 * with a child span per step (`saga.compensation.refund_payment`, `…release_inventory`).
 */
export class Compensation {
  constructor(
    private readonly reservations: ReservationPort,
    private readonly payments: PaymentPort,
    private readonly logger: CheckoutLogger,
  ) {}

  /** Refunds (per `plan`) and releases; reports whether everything is undone. */
  run(orderId: string, plan: CompensationPlan): Promise<CompensationResult> {
    return sagaStep(
      SAGA_SPANS.compensate,
      orderId,
      async (): Promise<CompensationResult> => {
        const refunded = plan.checkPayments ? await this.refundCaptured(orderId, plan) : true;
        const released = await this.release(orderId);
        return refunded && released ? 'done' : 'incomplete';
      },
      (result) => result,
      { 'saga.compensation.check_payments': plan.checkPayments },
    );
  }

  private async refundCaptured(orderId: string, plan: CompensationPlan): Promise<boolean> {
    try {
      return await sagaStep(
        SAGA_SPANS.refundPayment,
        orderId,
        () => this.refundAll(orderId, plan),
        (settled) => (settled ? 'settled' : 'unsettled'),
      );
    } catch (error) {
      this.logger.write('warn', 'compensation: refund not possible now', {
        orderId,
        ...describeError(error),
      });
      return false;
    }
  }

  /** Refunds every captured payment of the order; says whether its payments are settled. */
  private async refundAll(orderId: string, plan: CompensationPlan): Promise<boolean> {
    const payments = await this.payments.paymentsOf(orderId);
    for (const payment of payments) {
      if (payment.status === 'CAPTURED') await this.payments.refund(orderId, payment.paymentId);
    }
    // A payment still AUTHORIZED is a charge in progress: its outcome is not known yet.
    if (payments.some((p) => p.status === 'AUTHORIZED')) return false;
    if (plan.paymentSettled) return true;
    // While a charge may still be in flight only a live payment (captured, now refunded)
    // settles it: payment allows one live payment per order, so no other capture can follow.
    // A FAILED record does not: payment frees the order's slot after a failed attempt, and a
    // retried attempt may still be on its way.
    return payments.some((p) => p.status === 'CAPTURED' || p.status === 'REFUNDED');
  }

  private async release(orderId: string): Promise<boolean> {
    try {
      await sagaStep(
        SAGA_SPANS.releaseInventory,
        orderId,
        () => this.reservations.release(orderId),
        () => 'released',
      );
      return true;
    } catch (error) {
      this.logger.write('warn', 'compensation: release not possible now', {
        orderId,
        ...describeError(error),
      });
      return false;
    }
  }
}
