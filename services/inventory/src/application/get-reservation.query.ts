import { ReservationNotFoundError } from '../domain/inventory.errors';
import type { InventoryReader } from '../domain/inventory-store.port';
import type { Reservation } from '../domain/reservation';

/** A reservation with its lines; 404 `INVENTORY.RESERVATION_NOT_FOUND` when absent. */
export class GetReservation {
  constructor(private readonly reader: InventoryReader) {}

  async execute(orderId: string): Promise<Reservation> {
    const reservation = await this.reader.findReservation(orderId);
    if (!reservation) throw new ReservationNotFoundError(orderId);
    return reservation;
  }
}
