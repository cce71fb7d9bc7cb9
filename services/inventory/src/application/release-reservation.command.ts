import { createEvent } from '@rc/contracts';
import { ReservationAlreadyCommittedError } from '../domain/inventory.errors';
import type { InventoryUnitOfWork } from '../domain/inventory-store.port';
import { movementItems, sortedBySku, type Reservation } from '../domain/reservation';

/**
 * The order failed: the held units become available again, the reservation becomes RELEASED
 * and `StockReleased` goes to the outbox, in one transaction. Idempotent: releasing a RELEASED
 * or EXPIRED reservation changes nothing (an EXPIRED one is answered as it is — its units went
 * back when it expired). A COMMITTED one cannot be released (409).
 *
 * Releasing an order that has no reservation writes a RELEASED tombstone: the saga may give up
 * (and release) while its reserve request is still in flight or about to be retried; the
 * tombstone makes that late reserve find a released reservation instead of holding stock that
 * nobody would ever release.
 */
export class ReleaseReservation {
  constructor(private readonly uow: InventoryUnitOfWork) {}

  execute(orderId: string, uow: InventoryUnitOfWork = this.uow): Promise<Reservation> {
    return uow.run(async (tx) => {
      const tombstone = await tx.insertReservation(orderId, 'RELEASED', 0);
      if (tombstone) return tombstone;
      const reservation = await tx.lockReservation(orderId);
      if (!reservation) throw new Error(`reservation ${orderId} vanished`);
      if (reservation.status === 'COMMITTED') throw new ReservationAlreadyCommittedError(orderId);
      if (reservation.status !== 'RESERVED') return reservation;
      for (const item of sortedBySku(reservation.items))
        await tx.releaseReserved(item.sku, item.quantity);
      await tx.setStatus(orderId, 'RELEASED');
      await tx.publish(
        createEvent('StockReleased', orderId, { orderId, items: movementItems(reservation) }),
      );
      return { ...reservation, status: 'RELEASED' };
    });
  }
}
