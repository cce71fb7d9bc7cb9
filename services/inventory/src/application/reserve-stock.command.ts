import { createEvent } from '@rc/contracts';
import {
  InsufficientStockError,
  ReservationNotActiveError,
  UnknownSkuError,
} from '../domain/inventory.errors';
import type { InventoryUnitOfWork } from '../domain/inventory-store.port';
import {
  isReleased,
  movementItems,
  normaliseItems,
  type RequestedItem,
  type Reservation,
  type ReservationItem,
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
 * Holds stock for an order, all lines or none, in one transaction:
 * 1. insert the reservation header — if the order already has one, answer it as it is
 *    (natural idempotency by order id) without touching stock; a RELEASED/EXPIRED one (e.g. a
 *    release tombstone written before this late reserve) is refused, so it holds nothing;
 * 2. price every line from the catalogue (unknown SKUs → 404, nothing written);
 * 3. for each line, in SKU order, `reserved += q` only where `on_hand - reserved >= q`; any
 *    line that cannot be held → roll back everything and name the SKUs (409);
 * 4. store the lines with their prices and add `StockReserved` to the outbox.
 */
export class ReserveStock {
  constructor(private readonly uow: InventoryUnitOfWork) {}

  execute(input: ReserveStockInput): Promise<ReserveStockResult> {
    const items = normaliseItems(input.items);
    return this.uow.run(async (tx) => {
      const skus = items.map((i) => i.sku);
      const { inserted, prices } = await tx.insertReservationPricing(
        input.orderId,
        input.ttlSeconds,
        skus,
      );
      if (!inserted) {
        const existing = await tx.lockReservation(input.orderId);
        // The row existed a moment ago and reservations are never deleted.
        if (!existing) throw new Error(`reservation ${input.orderId} vanished`);
        if (isReleased(existing.status)) {
          throw new ReservationNotActiveError(input.orderId, existing.status);
        }
        return { reservation: existing, created: false };
      }
      const unknown = items.filter((i) => !prices.has(i.sku)).map((i) => i.sku);
      if (unknown.length > 0) throw new UnknownSkuError(unknown);

      const short: string[] = [];
      for (const item of items) {
        // Keep going after a failure: the caller learns every SKU that is short, not just the first.
        if (!(await tx.tryReserve(item.sku, item.quantity))) short.push(item.sku);
      }
      if (short.length > 0) throw new InsufficientStockError(short);

      const lines: ReservationItem[] = items.map((item) => {
        const price = prices.get(item.sku)!;
        return { ...item, unitPrice: price.price, currency: price.currency };
      });
      const reservation: Reservation = { ...inserted, items: lines };
      await tx.insertItemsPublishing(
        input.orderId,
        lines,
        createEvent('StockReserved', input.orderId, {
          orderId: input.orderId,
          items: movementItems(reservation),
        }),
      );
      return { reservation, created: true };
    });
  }
}
