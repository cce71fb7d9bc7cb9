import { AppError } from '@rc/platform';
import type { ReservationStatus } from './reservation';

/**
 * Base of the inventory's business errors. `meta` becomes extension members of the problem+json
 * body, so it never uses the problem's own member names (`status`, `code`, `type`, …). `transient: false` tells a Kafka consumer that
 * retrying the same event cannot help (it dead-letters at once).
 */
export abstract class InventoryError extends AppError {
  readonly transient = false;
}

/** One or more SKUs are not in the catalogue (404). */
export class UnknownSkuError extends InventoryError {
  readonly code = 'INVENTORY.UNKNOWN_SKU';
  readonly httpStatus = 404;

  constructor(readonly skus: readonly string[]) {
    super(`Unknown SKU: ${skus.join(', ')}.`, { meta: { skus } });
  }
}

/** Not enough available units of one or more SKUs; nothing was reserved (409). */
export class InsufficientStockError extends InventoryError {
  readonly code = 'INVENTORY.INSUFFICIENT_STOCK';
  readonly httpStatus = 409;

  constructor(readonly skus: readonly string[]) {
    super(`Insufficient stock for: ${skus.join(', ')}.`, { meta: { skus } });
  }
}

/** No reservation exists for the order (404). */
export class ReservationNotFoundError extends InventoryError {
  readonly code = 'INVENTORY.RESERVATION_NOT_FOUND';
  readonly httpStatus = 404;

  constructor(readonly orderId: string) {
    super(`No reservation for order ${orderId}.`, { meta: { orderId } });
  }
}

/**
 * The reservation no longer holds stock (RELEASED or EXPIRED): it cannot be committed, and a
 * late reserve for the same order does not reserve again (409).
 */
export class ReservationNotActiveError extends InventoryError {
  readonly code = 'INVENTORY.RESERVATION_NOT_ACTIVE';
  readonly httpStatus = 409;

  constructor(
    readonly orderId: string,
    readonly status: ReservationStatus,
  ) {
    super(`The reservation of order ${orderId} is ${status}.`, {
      meta: { orderId, reservationStatus: status },
    });
  }
}

/** A COMMITTED reservation has left stock for good: it cannot be released (409). */
export class ReservationAlreadyCommittedError extends InventoryError {
  readonly code = 'INVENTORY.RESERVATION_COMMITTED';
  readonly httpStatus = 409;

  constructor(readonly orderId: string) {
    super(`The reservation of order ${orderId} is already committed.`, {
      meta: { orderId, reservationStatus: 'COMMITTED' },
    });
  }
}
