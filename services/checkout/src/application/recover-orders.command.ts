import { runWithDeadline } from '@rc/resilience';
import { FAILURE_CODES } from '../domain/checkout.errors';
import type { Order } from '../domain/order';
import type { OrderRepository, RecoveryDecision } from '../domain/ports/order.repository';
import { describeError, type CheckoutLogger } from './checkout-logger';
import type { CheckoutMetrics, RecoveryAction } from './checkout-metrics';
import type { Compensation } from './compensation';
import { SAGA_SPANS, sagaStep } from './saga-tracing';

/** Settings of {@link RecoverOrdersHandler}. */
export interface RecoverOrdersOptions {
  /**
   * An unfinished order untouched for this long is stalled. Must exceed the longest a checkout
   * request can run (its deadline) plus the longest a charge can stay in flight at payment, so
   * a live request is never overtaken and a late capture is already visible.
   */
  readonly staleAfterMs: number;
  /** Most orders recovered in one pass (bounds a pass after a long outage). */
  readonly batchSize: number;
  /** Time budget of the remote calls made for one order. */
  readonly orderBudgetMs: number;
}

/** What one pass did. */
export interface RecoveryPassResult {
  readonly confirmed: number;
  readonly compensated: number;
  readonly retryLater: number;
}

/**
 * One pass of the recovery worker: finishes or compensates orders whose saga stopped midway
 * (the process crashed, the request was lost, compensation could not complete). Each order is
 * claimed with a row lock (`FOR UPDATE SKIP LOCKED`), so two replicas never work on the same
 * order, and the decision is applied in the claiming transaction:
 *
 * | Found          | Action                                                                                 |
 * | -------------- | -------------------------------------------------------------------------------------- |
 * | `PENDING`      | release the reservation (a tombstone if none exists) → FAILED + `OrderFailed`          |
 * | `RESERVED`     | refund any captured payment (a crash between the charge and the confirm), release → FAILED |
 * | `COMPENSATING` | finish: refund any captured payment, release → FAILED with its failure code            |
 * | `CHARGED`      | forward: CONFIRMED + `OrderPlaced` (an order an earlier version left between its own capture write and the confirm) |
 *
 * When a compensation cannot complete (a dependency is down) the order stays COMPENSATING and
 * is looked at again after `staleAfterMs`.
 */
export class RecoverOrdersHandler {
  constructor(
    private readonly orders: OrderRepository,
    private readonly compensation: Compensation,
    private readonly metrics: CheckoutMetrics,
    private readonly logger: CheckoutLogger,
    private readonly options: RecoverOrdersOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Recovers stalled orders until none is left or the batch is done. */
  async runOnce(): Promise<RecoveryPassResult> {
    const counts = { confirmed: 0, compensated: 0, retryLater: 0 };
    for (let i = 0; i < this.options.batchSize; i++) {
      let recovered: { order: Order; decision: RecoveryDecision } | undefined;
      try {
        recovered = await this.orders.recoverNext(this.options.staleAfterMs, (order) =>
          runWithDeadline(this.now() + this.options.orderBudgetMs, () => this.traced(order)),
        );
      } catch (error) {
        // Database trouble: stop this pass; the next one starts over.
        this.metrics.recoveryAction('error', 'unknown');
        this.logger.write('error', 'order recovery failed', describeError(error));
        break;
      }
      if (!recovered) break;
      const action = actionOf(recovered.decision);
      this.metrics.recoveryAction(action, recovered.order.status);
      this.logger.write(action === 'retry_later' ? 'warn' : 'info', 'order recovered', {
        orderId: recovered.order.id,
        from: recovered.order.status,
        action,
      });
      if (action === 'confirmed') counts.confirmed++;
      else if (action === 'compensated') counts.compensated++;
      else counts.retryLater++;
    }
    return counts;
  }

  /**
   * {@link decide} as a `saga.recover` span — a trace of its own, since the worker runs outside
   * any request; made only for an order actually found stalled, so idle passes trace nothing.
   */
  private traced(order: Order): Promise<RecoveryDecision> {
    return sagaStep(SAGA_SPANS.recover, order.id, () => this.decide(order), actionOf, {
      'checkout.order.status': order.status,
    });
  }

  private async decide(order: Order): Promise<RecoveryDecision> {
    if (order.status === 'CHARGED') return { action: 'confirm' };
    const failureCode = order.failureCode ?? FAILURE_CODES.interrupted;
    // A PENDING order never reached the charge step (it starts only after RESERVED is stored).
    const checkPayments = order.status !== 'PENDING';
    const result = await this.compensation.run(order.id, { checkPayments, paymentSettled: true });
    return result === 'done'
      ? { action: 'fail', failureCode }
      : { action: 'retry_later', failureCode };
  }
}

function actionOf(decision: RecoveryDecision): RecoveryAction {
  switch (decision.action) {
    case 'confirm':
      return 'confirmed';
    case 'fail':
      return 'compensated';
    case 'retry_later':
      return 'retry_later';
  }
}
