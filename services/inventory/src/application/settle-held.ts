import { createEvent } from '@rc/contracts';
import type { InventoryTransaction } from '../domain/inventory-store.port';
import { movementItems, sortedBySku, type Reservation } from '../domain/reservation';

/**
 * Commits a RESERVED reservation the caller has locked: its units leave stock for good
 * (`on_hand -= q`, `reserved -= q`), it becomes COMMITTED and `StockCommitted` goes to the
 * outbox. Shared by the order's commit (OrderPlaced, the HTTP API) and the expiry worker
 * (checkout says the order is CONFIRMED).
 */
export async function commitHeld(
  tx: InventoryTransaction,
  reservation: Reservation,
): Promise<Reservation> {
  const { orderId } = reservation;
  await tx.settleReservation(
    orderId,
    sortedBySku(reservation.items),
    'commit',
    'COMMITTED',
    createEvent('StockCommitted', orderId, { orderId, items: movementItems(reservation) }),
  );
  return { ...reservation, status: 'COMMITTED' };
}

/**
 * Gives the units of a RESERVED reservation the caller has locked back to sale: it becomes
 * `status` (RELEASED when the order failed, EXPIRED when its hold ran out) and `StockReleased`
 * goes to the outbox.
 */
export async function giveBackHeld(
  tx: InventoryTransaction,
  reservation: Reservation,
  status: 'RELEASED' | 'EXPIRED',
): Promise<Reservation> {
  const { orderId } = reservation;
  await tx.settleReservation(
    orderId,
    sortedBySku(reservation.items),
    'release',
    status,
    createEvent('StockReleased', orderId, { orderId, items: movementItems(reservation) }),
  );
  return { ...reservation, status };
}
