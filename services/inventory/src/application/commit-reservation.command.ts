import { createEvent } from '@rc/contracts';
import { ReservationNotActiveError, ReservationNotFoundError } from '../domain/inventory.errors';
import type { InventoryUnitOfWork } from '../domain/inventory-store.port';
import { movementItems, sortedBySku, type Reservation } from '../domain/reservation';

/**
 * The order was placed: its reserved units leave stock for good (`on_hand -= q`,
 * `reserved -= q`), the reservation becomes COMMITTED and `StockCommitted` goes to the outbox,
 * in one transaction. Idempotent: committing a COMMITTED reservation changes nothing. A
 * RELEASED or EXPIRED reservation holds nothing to commit (409); an unknown order is 404.
 * `uow` lets the Kafka consumer run it inside its inbox transaction.
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
      for (const item of sortedBySku(reservation.items))
        await tx.commitReserved(item.sku, item.quantity);
      await tx.setStatus(orderId, 'COMMITTED');
      await tx.publish(
        createEvent('StockCommitted', orderId, { orderId, items: movementItems(reservation) }),
      );
      return { ...reservation, status: 'COMMITTED' };
    });
  }
}
