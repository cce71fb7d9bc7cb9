import { createEvent } from '@rc/contracts';
import { ReservationNotFoundError } from '../domain/inventory.errors';
import type { EventApplyingUnitOfWork, InventoryUnitOfWork } from '../domain/inventory-store.port';
import { normaliseItems, type RequestedItem } from '../domain/reservation';
import { commitHeld } from './settle-held';

/** How a placed order's stock was settled (what {@link CommitPlacedOrder} did). */
export interface PlacedOrderSettlement {
  orderId: string;
  /**
   * `committed`: its hold left stock (the normal path); `already_committed`: nothing to do
   * (a replay, or the expiry worker committed it first); `retaken`: the hold had been given
   * back and every unit was taken again from what is available; `oversold`: not every unit was
   * left — `shortfall` lists what is missing, recorded in `stock_shortfalls`.
   */
  outcome: 'committed' | 'already_committed' | 'retaken' | 'oversold';
  /** Units owed and not taken, per SKU (empty unless `oversold`). */
  shortfall: RequestedItem[];
}

/**
 * `OrderPlaced`: the order is charged and confirmed, so its units leave stock for good. A held
 * reservation is committed ({@link commitHeld}); a COMMITTED one is left alone (idempotent).
 * A reservation that was given back meanwhile (EXPIRED — its hold ran out while the event was
 * late — or RELEASED) is never refused: the units are taken again from the available stock,
 * as many as are left, and any shortfall is recorded for an operator; the reservation becomes
 * COMMITTED and `StockCommitted` names the units taken. Only an order inventory never
 * reserved (no row at all) is refused (404), for the dead-letter topic.
 *
 * `lines` are the event's order lines: they are what a release tombstone (no items) owes.
 * `uow` lets the Kafka consumer run it inside its inbox transaction.
 */
export class CommitPlacedOrder {
  constructor(private readonly uow: InventoryUnitOfWork) {}

  /**
   * The common case of many placed orders in one step: for each order whose event is new to
   * `group` and whose hold is RESERVED with exactly its `lines`, the hold is committed as
   * {@link commitHeld} does it (the same stock moves, status and `StockCommitted`) and the event
   * recorded as applied, all together. Resolves to the settlements of those, by event id; for
   * every other order nothing was written: apply its event with {@link execute} in the inbox's
   * transaction. Event ids and order ids must each be unique in `placed`.
   */
  async commitHeldOnce(
    group: string,
    placed: readonly { eventId: string; orderId: string; lines: readonly RequestedItem[] }[],
    events: EventApplyingUnitOfWork,
  ): Promise<Map<string, PlacedOrderSettlement>> {
    const orders = placed.map(({ eventId, orderId, lines }) => {
      const items = normaliseItems(lines);
      const event = createEvent('StockCommitted', orderId, { orderId, items });
      return { eventId, orderId, items, event };
    });
    const applied = await events.commitHeldOnce(group, orders);
    return new Map(
      orders
        .filter((o) => applied.has(o.eventId))
        .map(({ eventId, orderId }) => [eventId, { orderId, outcome: 'committed', shortfall: [] }]),
    );
  }

  execute(
    orderId: string,
    lines: readonly RequestedItem[],
    uow: InventoryUnitOfWork = this.uow,
  ): Promise<PlacedOrderSettlement> {
    return uow.run(async (tx) => {
      const reservation = await tx.lockReservation(orderId);
      if (!reservation) throw new ReservationNotFoundError(orderId);
      if (reservation.status === 'COMMITTED')
        return { orderId, outcome: 'already_committed', shortfall: [] };
      if (reservation.status === 'RESERVED') {
        await commitHeld(tx, reservation);
        return { orderId, outcome: 'committed', shortfall: [] };
      }
      const owed = normaliseItems(reservation.items.length > 0 ? reservation.items : lines);
      const taken = await tx.takeAvailable(owed);
      const shortfall = owed
        .map(({ sku, quantity }, i) => ({ sku, quantity: quantity - taken[i]!.quantity }))
        .filter((line) => line.quantity > 0);
      if (shortfall.length > 0) await tx.recordShortfall(orderId, shortfall);
      await tx.setStatus(orderId, 'COMMITTED');
      const moved = taken.filter((line) => line.quantity > 0);
      if (moved.length > 0)
        await tx.publish(createEvent('StockCommitted', orderId, { orderId, items: moved }));
      return { orderId, outcome: shortfall.length > 0 ? 'oversold' : 'retaken', shortfall };
    });
  }
}
