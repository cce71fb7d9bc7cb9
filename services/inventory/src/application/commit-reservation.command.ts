import { ReservationNotActiveError, ReservationNotFoundError } from '../domain/inventory.errors';
import type { InventoryUnitOfWork } from '../domain/inventory-store.port';
import type { Reservation } from '../domain/reservation';
import { commitHeld } from './settle-held';

/**
 * The order was placed: its reserved units leave stock for good (`on_hand -= q`,
 * `reserved -= q`), the reservation becomes COMMITTED and `StockCommitted` goes to the outbox,
 * in one transaction. Idempotent: committing a COMMITTED reservation changes nothing. A
 * RELEASED or EXPIRED reservation holds nothing to commit (409); an unknown order is 404.
 * This is `POST /v1/reservations/:orderId/commit`; `OrderPlaced` goes through
 * `CommitPlacedOrder`, which also settles a placed order whose hold was given back.
 */
export class CommitReservation {
  constructor(private readonly uow: InventoryUnitOfWork) {}

  execute(orderId: string, uow: InventoryUnitOfWork = this.uow): Promise<Reservation> {
    return uow.run(async (tx) => {
      const reservation = await tx.lockReservation(orderId);
      if (!reservation) throw new ReservationNotFoundError(orderId);
      if (reservation.status === 'COMMITTED') return reservation;
      if (reservation.status !== 'RESERVED') {
        throw new ReservationNotActiveError(orderId, reservation.status);
      }
      return commitHeld(tx, reservation);
    });
  }
}
