/** Life of a reservation: RESERVED → COMMITTED (order placed) | RELEASED (order failed) | EXPIRED. */
export type ReservationStatus = 'RESERVED' | 'COMMITTED' | 'RELEASED' | 'EXPIRED';

/** A quantity of one SKU asked for by a caller. */
export interface RequestedItem {
  sku: string;
  quantity: number;
}

/** One line of a reservation, priced when it was reserved. */
export interface ReservationItem {
  sku: string;
  quantity: number;
  /** Unit price in minor units of `currency`, fixed at reservation time. */
  unitPrice: number;
  currency: string;
}

/** Units held for one order. A RELEASED reservation without items is a release tombstone. */
export interface Reservation {
  orderId: string;
  status: ReservationStatus;
  expiresAt: Date;
  /** Sorted by SKU (the order every stock row is locked in). */
  items: ReservationItem[];
}

/** Whether the reservation has ended without leaving stock: nothing held, nothing to commit. */
export function isReleased(status: ReservationStatus): boolean {
  return status === 'RELEASED' || status === 'EXPIRED';
}

/**
 * Merges repeated SKUs (quantities add up) and sorts by SKU. Every transaction that touches
 * several stock rows locks them in SKU order, so two of them can never deadlock on each other.
 */
export function normaliseItems(items: readonly RequestedItem[]): RequestedItem[] {
  const bySku = new Map<string, number>();
  for (const { sku, quantity } of items) bySku.set(sku, (bySku.get(sku) ?? 0) + quantity);
  return sortedBySku([...bySku].map(([sku, quantity]) => ({ sku, quantity })));
}

/**
 * A copy sorted by SKU in code-unit order (the database side uses `COLLATE "C"`, the same order
 * for the ASCII SKUs the catalogue allows): the one lock order of stock rows.
 */
export function sortedBySku<T extends { sku: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

/** The `{sku, quantity}` lines of a reservation, as its events carry them. */
export function movementItems(reservation: Reservation): RequestedItem[] {
  return reservation.items.map(({ sku, quantity }) => ({ sku, quantity }));
}
