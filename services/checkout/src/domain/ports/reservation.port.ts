/** A quantity of one SKU to reserve. */
export interface ReservationLine {
  readonly sku: string;
  readonly quantity: number;
}

/**
 * What a reserve call settled to. `unavailable` means inventory gave no answer (unreachable,
 * timeout, 5xx, breaker open); `maybeApplied` is false only when no request ever left this
 * process (connection refused, breaker open), so no reservation can exist.
 */
export type ReserveResult =
  | { readonly kind: 'reserved' }
  | { readonly kind: 'insufficient_stock'; readonly skus: readonly string[] }
  | { readonly kind: 'unknown_sku'; readonly skus: readonly string[] }
  /** The reservation was already released or expired (a compensation got there first). */
  | { readonly kind: 'not_active' }
  | { readonly kind: 'unavailable'; readonly maybeApplied: boolean; readonly cause: unknown };

/** Stock reservations in inventory, idempotent per order id. */
export interface ReservationPort {
  /** Reserves every line for `orderId`, all or nothing (idempotency key `order:<id>:reserve`). */
  reserve(orderId: string, lines: readonly ReservationLine[]): Promise<ReserveResult>;
  /**
   * Releases the order's reservation (idempotency key `order:<id>:release`). Releasing an
   * order inventory never saw leaves a tombstone, so a late reserve for it reserves nothing.
   * Throws when inventory cannot confirm the release.
   */
  release(orderId: string): Promise<void>;
}

/** DI token of {@link ReservationPort}. */
export const RESERVATION_PORT = Symbol('ReservationPort');
