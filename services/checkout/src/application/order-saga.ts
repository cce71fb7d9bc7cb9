import { currentDeadline, runWithDeadline, type StatementPart } from '@rc/resilience';
import {
  InventoryUnavailableError,
  FAILURE_CODES,
  OutOfStockError,
  PaymentDeclinedError,
  PaymentUnavailableError,
  UnknownSkuError,
} from '../domain/checkout.errors';
import type { Order } from '../domain/order';
import type { OrderStatus } from '../domain/order-status';
import type { OrderRepository } from '../domain/ports/order.repository';
import type { PaymentPort } from '../domain/ports/payment.port';
import type { ReservationPort } from '../domain/ports/reservation.port';
import { describeError, type CheckoutLogger } from './checkout-logger';
import type { Compensation, CompensationPlan } from './compensation';
import { OrderTakenOverError } from './order-taken-over.error';
import type { SagaProgress } from './saga-progress';
import { SAGA_SPANS, sagaStep } from './saga-tracing';

/**
 * Steps 4–6 of a checkout, for an order just stored PENDING: reserve → charge → confirm, each
 * remote effect followed by a guarded status transition (the recovery point; the charge's is the
 * confirm itself, which stores the payment id with CONFIRMED and OrderPlaced), and compensation
 * when a step fails after something may have been done. Throws the order's outcome as a
 * `CheckoutError`, or {@link OrderTakenOverError} when another actor moved the order. Each step
 * is a span (`saga.reserve_inventory`, `saga.charge_payment`, `saga.confirm_order`) with its
 * outcome; compensation spans are the {@link Compensation}'s.
 */
export class OrderSaga {
  constructor(
    private readonly orders: OrderRepository,
    private readonly reservations: ReservationPort,
    private readonly payments: PaymentPort,
    private readonly compensation: Compensation,
    private readonly logger: CheckoutLogger,
    /**
     * Part of the request deadline kept back from the reserve and charge calls, so that a
     * dependency that hangs until the deadline still leaves time to compensate (release the
     * stock, look for a capture) before answering, instead of leaving all of it to the recovery
     * worker. 0 disables it.
     */
    private readonly compensationReserveMs = 0,
  ) {}

  /**
   * Runs the saga; resolves with the CONFIRMED order. `alsoOnConfirm`, given the order as it
   * will be once confirmed, may return a part the confirm's statement carries (the request's
   * `Idempotency-Key` completed with the answer).
   */
  async run(
    order: Order,
    paymentToken: string,
    progress: SagaProgress,
    alsoOnConfirm?: (confirmed: Order) => StatementPart | undefined,
  ): Promise<Order> {
    progress.step = 'reserve';
    await this.reserve(order, progress);
    progress.step = 'charge';
    const paymentId = await this.charge(order, paymentToken, progress);
    progress.step = 'confirm';
    const result: Order = { ...order, status: 'CONFIRMED', paymentId, updatedAt: new Date() };
    const part = alsoOnConfirm?.(result);
    const confirmed = await sagaStep(
      SAGA_SPANS.confirmOrder,
      order.id,
      () => this.orders.confirm(order, paymentId, part),
      (done) => (done ? 'confirmed' : 'taken_over'),
    );
    if (!confirmed) {
      // The order left RESERVED while the charge ran: the recovery worker judged it stalled and
      // compensated it, so this capture belongs to a failed order and goes back.
      await this.refundOrphan(order.id, paymentId);
      throw new OrderTakenOverError(order.id);
    }
    return result;
  }

  private async reserve(order: Order, progress: SagaProgress): Promise<void> {
    const result = await sagaStep(
      SAGA_SPANS.reserveInventory,
      order.id,
      () => this.keepingReserve(() => this.reservations.reserve(order.id, order.items)),
      (r) => r.kind,
    );
    switch (result.kind) {
      case 'reserved':
        if (!(await this.orders.markReserved(order.id))) throw new OrderTakenOverError(order.id);
        return;
      case 'insufficient_stock':
        await this.failNow(order.id, 'PENDING', FAILURE_CODES.outOfStock);
        throw new OutOfStockError(order.id, result.skus);
      case 'unknown_sku':
        await this.failNow(order.id, 'PENDING', FAILURE_CODES.unknownSku);
        throw new UnknownSkuError(result.skus, order.id);
      case 'not_active':
        // Only a compensation releases a reservation (a tombstone): someone else owns the order.
        throw new OrderTakenOverError(order.id);
      case 'unavailable':
        if (result.maybeApplied) {
          // The reservation may exist: release it (or leave that to the recovery worker).
          await this.compensate(order.id, 'PENDING', FAILURE_CODES.inventoryUnavailable, progress, {
            checkPayments: false,
            paymentSettled: true,
          });
        } else {
          await this.failNow(order.id, 'PENDING', FAILURE_CODES.inventoryUnavailable);
        }
        throw new InventoryUnavailableError({ orderId: order.id, cause: result.cause });
    }
  }

  private async charge(order: Order, token: string, progress: SagaProgress): Promise<string> {
    const request = { orderId: order.id, amount: order.total, currency: order.currency, token };
    const result = await sagaStep(
      SAGA_SPANS.chargePayment,
      order.id,
      () => this.keepingReserve(() => this.payments.charge(request)),
      (r) => r.kind,
    );
    const settled = { checkPayments: false, paymentSettled: true };
    switch (result.kind) {
      case 'captured':
        // No status write here: the confirm that follows stores the payment with CONFIRMED and
        // OrderPlaced in one statement. A crash in between leaves the order RESERVED, and the
        // recovery worker refunds a RESERVED order's captures before it releases the stock.
        return result.paymentId;
      case 'declined':
        await this.compensate(
          order.id,
          'RESERVED',
          FAILURE_CODES.paymentDeclined,
          progress,
          settled,
        );
        throw new PaymentDeclinedError(order.id, result.declineCode);
      case 'not_charged':
        await this.compensate(
          order.id,
          'RESERVED',
          FAILURE_CODES.paymentUnavailable,
          progress,
          settled,
        );
        throw new PaymentUnavailableError(order.id, result.cause);
      case 'unknown':
        // A capture may exist, or land after we look: refund what is there now, release the
        // stock, and let the recovery worker look again once no charge can still be in flight.
        await this.compensate(order.id, 'RESERVED', FAILURE_CODES.paymentUnavailable, progress, {
          checkPayments: true,
          paymentSettled: false,
        });
        throw new PaymentUnavailableError(order.id, result.cause);
    }
  }

  /** Runs a forward step under the request deadline minus the compensation reserve. */
  private keepingReserve<T>(step: () => Promise<T>): Promise<T> {
    const deadlineAt = currentDeadline();
    if (deadlineAt === undefined || this.compensationReserveMs === 0) return step();
    return runWithDeadline(deadlineAt - this.compensationReserveMs, step);
  }

  /** Records the intent (COMPENSATING + code), undoes what it can, and FAILs the order if all is undone. */
  private async compensate(
    orderId: string,
    from: OrderStatus,
    failureCode: string,
    progress: SagaProgress,
    plan: CompensationPlan,
  ): Promise<void> {
    if (!(await this.orders.markCompensating(orderId, from, failureCode)))
      throw new OrderTakenOverError(orderId);
    if ((await this.compensation.run(orderId, plan)) === 'done') {
      await this.failNow(orderId, 'COMPENSATING', failureCode);
    } else {
      progress.compensationPending = true;
    }
  }

  private async failNow(orderId: string, from: OrderStatus, failureCode: string): Promise<void> {
    if (!(await this.orders.fail(orderId, from, failureCode)))
      throw new OrderTakenOverError(orderId);
  }

  /**
   * The charge succeeded but the order had already been taken over (the recovery worker judged
   * it stalled and compensated it): this capture belongs to a failed order and must go back.
   */
  private async refundOrphan(orderId: string, paymentId: string): Promise<void> {
    try {
      await sagaStep(
        SAGA_SPANS.refundOrphanCapture,
        orderId,
        () => this.payments.refund(orderId, paymentId),
        () => 'refunded',
      );
      this.logger.write('warn', 'refunded a capture that arrived after the order was taken over', {
        orderId,
        paymentId,
      });
    } catch (error) {
      this.logger.write('error', 'a capture of a failed order could not be refunded', {
        orderId,
        paymentId,
        ...describeError(error),
      });
    }
  }
}
