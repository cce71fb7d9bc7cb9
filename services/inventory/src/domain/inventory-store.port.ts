import type { EventEnvelope } from '@rc/contracts';
import type { Product, ProductPrice } from './product';
import type { Reservation, ReservationItem, ReservationStatus } from './reservation';

/**
 * The operations a use case performs inside ONE database transaction. Everything done through
 * one instance commits or rolls back together — state changes and the events describing them
 * (the transactional outbox).
 */
export interface InventoryTransaction {
  /**
   * Inserts the reservation header unless the order already has one (the primary key decides
   * races: a concurrent insert waits for the first and then finds it). Expiry is computed with
   * the database clock. Returns the new row, or undefined when one existed.
   */
  insertReservation(
    orderId: string,
    status: ReservationStatus,
    ttlSeconds: number,
  ): Promise<Reservation | undefined>;
  /**
   * {@link insertReservation} (RESERVED) and the catalogue prices of `skus` (unknown SKUs are
   * simply absent) in one step — what a reserve needs first, in one round trip.
   */
  insertReservationPricing(
    orderId: string,
    ttlSeconds: number,
    skus: readonly string[],
  ): Promise<{ inserted: Reservation | undefined; prices: Map<string, ProductPrice> }>;
  /** The reservation with its items, row-locked until the transaction ends. */
  lockReservation(orderId: string): Promise<Reservation | undefined>;
  /**
   * Moves `quantity` units of `sku` into `reserved` if that many are available; false (and
   * nothing changed) otherwise. Never lets stock go negative, whatever runs concurrently.
   */
  tryReserve(sku: string, quantity: number): Promise<boolean>;
  /** The reserved units leave the warehouse: on_hand and reserved both drop by `quantity`. */
  commitReserved(sku: string, quantity: number): Promise<void>;
  /** Reserved units become available again. */
  releaseReserved(sku: string, quantity: number): Promise<void>;
  /** Stores the reservation's lines and {@link publish}es `event`, in one step (one round trip). */
  insertItemsPublishing(
    orderId: string,
    items: readonly ReservationItem[],
    event: EventEnvelope,
  ): Promise<void>;
  setStatus(orderId: string, status: ReservationStatus): Promise<void>;
  /**
   * Up to `limit` RESERVED reservations past their expiry, locked; rows locked by another
   * transaction (another replica's worker, a commit in flight) are skipped, not waited for.
   */
  lockExpired(limit: number): Promise<Reservation[]>;
  /** Adds an event to the outbox, in this transaction. */
  publish(event: EventEnvelope): Promise<void>;
}

/** Runs work in one transaction: commit when it resolves, roll back when it throws. */
export interface InventoryUnitOfWork {
  run<T>(work: (tx: InventoryTransaction) => Promise<T>): Promise<T>;
}

/** Read-only views (no transaction, no locks). */
export interface InventoryReader {
  listProducts(): Promise<Product[]>;
  findProduct(sku: string): Promise<Product | undefined>;
  findReservation(orderId: string): Promise<Reservation | undefined>;
}
