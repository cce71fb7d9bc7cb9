import type { Reservation, ReservationItem, ReservationStatus } from '../domain/reservation';

/** A `reservations` row as pg returns it. */
export interface ReservationRow {
  order_id: string;
  status: ReservationStatus;
  expires_at: Date;
}

/** A `reservation_items` row as pg returns it (bigint arrives as a string). */
export interface ReservationItemRow {
  order_id: string;
  sku: string;
  quantity: number;
  unit_price_minor: string;
  currency: string;
}

/** Column list of {@link ReservationItemRow}, sorted in the one lock order of stock rows. */
export const ITEM_COLUMNS = 'order_id, sku, quantity, unit_price_minor, currency';
export const ITEM_ORDER = 'ORDER BY sku COLLATE "C"';

export function toItem(row: ReservationItemRow): ReservationItem {
  return {
    sku: row.sku,
    quantity: row.quantity,
    unitPrice: Number(row.unit_price_minor),
    currency: row.currency,
  };
}

/** Joins header rows with their item rows (items already in SKU order). */
export function toReservations(
  rows: readonly ReservationRow[],
  items: readonly ReservationItemRow[],
): Reservation[] {
  const byOrder = new Map<string, ReservationItem[]>();
  for (const item of items) {
    const list = byOrder.get(item.order_id) ?? [];
    list.push(toItem(item));
    byOrder.set(item.order_id, list);
  }
  return rows.map((row) => ({
    orderId: row.order_id,
    status: row.status,
    expiresAt: row.expires_at,
    items: byOrder.get(row.order_id) ?? [],
  }));
}
