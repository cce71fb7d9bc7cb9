import { createEvent } from '@rc/contracts';
import {
  InsufficientStockError,
  ReservationNotActiveError,
  UnknownSkuError,
} from '../domain/inventory.errors';
import type { ReserveCompletion, ReservingUnitOfWork } from '../domain/inventory-store.port';
import {
  isReleased,
  normaliseItems,
  type RequestedItem,
  type Reservation,
} from '../domain/reservation';

/** Input of {@link ReserveStock}. */
export interface ReserveStockInput {
  orderId: string;
  items: readonly RequestedItem[];
  ttlSeconds: number;
}

/** The reservation, and whether this call created it (false: it existed, nothing changed). */
export interface ReserveStockResult {
  reservation: Reservation;
  created: boolean;
}

/**
 * Holds stock for an order, all lines or none, in one atomic step (one statement on Postgres,
 * {@link ReservingUnitOfWork.reserve}): the header, every line's units (only where
 * `on_hand - reserved >= q`), the priced lines and `StockReserved` in the outbox — or nothing.
 * When nothing was written it answers, in this order:
 * 1. the order already has a reservation (natural idempotency by order id): answered as it is,
 *    stock untouched — but a RELEASED/EXPIRED one (e.g. a release tombstone written before this
 *    late reserve) is refused, so it holds nothing;
 * 2. unknown SKUs → 404, naming them;
 * 3. lines short of stock → 409, naming every short SKU, not just the first.
 */
export class ReserveStock {
  constructor(private readonly uow: ReservingUnitOfWork) {}

  /** `completion`: see {@link ReservingUnitOfWork.reserve}. */
  async execute(
    input: ReserveStockInput,
    completion?: ReserveCompletion,
  ): Promise<ReserveStockResult> {
    const items = normaliseItems(input.items);
    const attempt = await this.uow.reserve(
      input.orderId,
      input.ttlSeconds,
      items,
      createEvent('StockReserved', input.orderId, { orderId: input.orderId, items }),
      completion,
    );
    if (attempt.reservation) return { reservation: attempt.reservation, created: true };
    // Refused or a duplicate: a header may exist (committed by a retry or a release just now).
    const existing = await this.uow.run((tx) => tx.lockReservation(input.orderId));
    if (existing) {
      if (isReleased(existing.status)) {
        throw new ReservationNotActiveError(input.orderId, existing.status);
      }
      return { reservation: existing, created: false };
    }
    if (attempt.unknown.length > 0) throw new UnknownSkuError(attempt.unknown);
    if (attempt.short.length > 0) throw new InsufficientStockError(attempt.short);
    // The header was there a moment ago (the insert saw it) and reservations are never deleted.
    throw new Error(`reservation ${input.orderId} vanished`);
  }
}
