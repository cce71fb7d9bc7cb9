import { createEvent } from '@rc/contracts';
import type { InventoryUnitOfWork } from '../domain/inventory-store.port';
import { movementItems } from '../domain/reservation';

/**
 * Gives back the stock of reservations held past their expiry: up to `batchSize` of them per
 * transaction become EXPIRED, their units are released (summed per SKU and applied in SKU
 * order, like every other stock update, so this never deadlocks with a reserve) and one
 * `StockReleased` per reservation goes to the outbox. Rows another transaction holds are
 * skipped (`FOR UPDATE SKIP LOCKED`), so two replicas' workers share the work instead of
 * doing it twice or waiting on each other. Returns how many reservations expired.
 */
export class ExpireReservations {
  constructor(private readonly uow: InventoryUnitOfWork) {}

  execute(batchSize: number): Promise<number> {
    return this.uow.run(async (tx) => {
      const due = await tx.lockExpired(batchSize);
      if (due.length === 0) return 0;
      const bySku = new Map<string, number>();
      for (const reservation of due) {
        for (const { sku, quantity } of reservation.items) {
          bySku.set(sku, (bySku.get(sku) ?? 0) + quantity);
        }
      }
      for (const sku of [...bySku.keys()].sort()) await tx.releaseReserved(sku, bySku.get(sku)!);
      for (const reservation of due) {
        await tx.setStatus(reservation.orderId, 'EXPIRED');
        await tx.publish(
          createEvent('StockReleased', reservation.orderId, {
            orderId: reservation.orderId,
            items: movementItems(reservation),
          }),
        );
      }
      return due.length;
    });
  }
}
