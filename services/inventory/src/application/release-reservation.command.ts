import { ReservationAlreadyCommittedError } from '../domain/inventory.errors';
import type { InventoryUnitOfWork } from '../domain/inventory-store.port';
import type { Reservation } from '../domain/reservation';
import { giveBackHeld } from './settle-held';

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
      return giveBackHeld(tx, reservation, 'RELEASED');
    });
  }
}
