import type { StatementPart } from '@rc/resilience';
import type { EventEnvelope } from '@rc/contracts';
import type { Product } from './product';
import type { RequestedItem, Reservation, ReservationItem, ReservationStatus } from './reservation';

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
  /** The reservation with its items, row-locked until the transaction ends. */
  lockReservation(orderId: string): Promise<Reservation | undefined>;
  /**
   * Settles a reservation's `items` in one step (one round trip): `commit` — the units leave
   * the warehouse (on_hand and reserved both drop); `release` — they become available again
   * (reserved drops). Stock rows are locked in SKU order, like every other stock update. The
   * reservation's status becomes `status` and `event` is {@link publish}ed.
   */
  settleReservation(
    orderId: string,
    items: readonly ReservationItem[],
    move: 'commit' | 'release',
    status: ReservationStatus,
    event: EventEnvelope,
  ): Promise<void>;
  /**
   * Takes units of each line straight from the available stock (`on_hand -= taken`) — for an
   * order placed after its hold was given back. Per line, as many as are available up to its
   * quantity; lines in SKU order (the one lock order). Returns the units taken per line (0 when
   * none were left). Never lets stock go negative or below what others hold.
   */
  takeAvailable(lines: readonly RequestedItem[]): Promise<RequestedItem[]>;
  /** Records units a placed order was owed and did not get (`stock_shortfalls`), for an operator. */
  recordShortfall(orderId: string, lines: readonly RequestedItem[]): Promise<void>;
  setStatus(orderId: string, status: ReservationStatus): Promise<void>;
  /**
   * Claims up to `limit` RESERVED reservations past their expiry whose re-check time has come
   * (oldest first) and moves that time `recheckAfterMs` ahead, so no other worker asks about
   * them meanwhile; rows another transaction holds are skipped (`SKIP LOCKED`), not waited for.
   * Returns the claimed order ids.
   */
  claimExpired(limit: number, recheckAfterMs: number): Promise<string[]>;
  /** Adds an event to the outbox, in this transaction. */
  publish(event: EventEnvelope): Promise<void>;
}

/** What {@link InventoryUnitOfWork.reserve} did. */
export type ReserveAttempt =
  /** The reservation was created: its lines hold their units, priced, and the event is out. */
  | { reservation: Reservation }
  /**
   * Nothing was written. `unknown`/`short` name the SKUs that stopped it (both empty: the order
   * already had a reservation header, whatever its status).
   */
  | { reservation: undefined; unknown: string[]; short: string[] };

/** Runs work in one transaction: commit when it resolves, roll back when it throws. */
export interface InventoryUnitOfWork {
  run<T>(work: (tx: InventoryTransaction) => Promise<T>): Promise<T>;
}

/** The service's own unit of work (not one joined to a consumer's transaction): it can reserve. */
export interface ReservingUnitOfWork extends InventoryUnitOfWork {
  /**
   * A whole reserve as ONE atomic step (one round trip on Postgres): only if every SKU of
   * `items` (normalised: one line per SKU, in SKU order) is in the catalogue and has the units
   * available, and the order has no reservation header yet — insert the RESERVED header (expiry
   * `ttlSeconds` from now, database clock), hold every line (stock rows locked in SKU order),
   * store the lines at their catalogue prices and {@link InventoryTransaction.publish} `event`.
   * Otherwise nothing is written. A refusal is not proof that no header exists: a concurrent
   * reserve of the same order may have just committed one, so callers look before refusing.
   * `completion`, when given, may return a part the same statement carries (the request's
   * `Idempotency-Key` completed with its answer when, and only when, the header is inserted).
   */
  reserve(
    orderId: string,
    ttlSeconds: number,
    items: readonly RequestedItem[],
    event: EventEnvelope,
    completion?: ReserveCompletion,
  ): Promise<ReserveAttempt>;
}

/**
 * Given the new reservation's fields as SQL expressions of JSON values — `orderId`, `status`,
 * `expiresAt` (as `Date#toISOString` prints it) and `items` (`sku`, `quantity`, `unitPrice`,
 * `currency`, in SKU order) — the part of the reserve's statement that completes the request's
 * `Idempotency-Key`, or undefined.
 */
export type ReserveCompletion = (
  reservationSql: Readonly<Record<string, string>>,
) => StatementPart | undefined;

/**
 * Applies consumed events at most once per consumer group (an inbox): each event's work gets a
 * unit of work bound to the transaction that also records the event as applied, so the state
 * change, its outbox events and that record commit together.
 */
export interface EventApplyingUnitOfWork {
  /** One event; a redelivered one does not run `work`. */
  applyEventOnce(
    group: string,
    eventId: string,
    work: (uow: InventoryUnitOfWork) => Promise<unknown>,
  ): Promise<unknown>;
  /**
   * The common `OrderPlaced` events as ONE atomic step (one round trip on Postgres), for each
   * order of `orders` whose event is new to `group` and whose reservation is RESERVED with
   * exactly its `items` (normalised: one line per SKU, in SKU order): commit its hold (the units
   * leave stock), mark it COMMITTED, {@link InventoryTransaction.publish} its `event` and record
   * its event as applied. Resolves to the event ids applied; for every other order nothing was
   * written, and the caller applies its event with {@link applyEventOnce} or
   * {@link applyEventsOnce}. Event ids and order ids must each be unique in `orders`.
   */
  commitHeldOnce(group: string, orders: readonly HeldCommit[]): Promise<Set<string>>;
  /**
   * The events of one batch in ONE transaction, in order (an id seen before, or repeated in the
   * batch, runs once); a failure rolls the whole batch back. Resolves to the ids that were new.
   */
  applyEventsOnce(
    group: string,
    events: readonly { id: string; work: (uow: InventoryUnitOfWork) => Promise<unknown> }[],
  ): Promise<string[]>;
}

/** One placed order for {@link EventApplyingUnitOfWork.commitHeldOnce}. */
export interface HeldCommit {
  eventId: string;
  orderId: string;
  /** The order's lines, normalised (one line per SKU, in SKU order). */
  items: readonly RequestedItem[];
  /** Its `StockCommitted`. */
  event: EventEnvelope;
}

/** Read-only views (no transaction, no locks). */
export interface InventoryReader {
  listProducts(): Promise<Product[]>;
  findProduct(sku: string): Promise<Product | undefined>;
  findReservation(orderId: string): Promise<Reservation | undefined>;
  /** How many RESERVED holds are past their expiry (kept while checkout cannot say why). */
  countHeldPastExpiry(): Promise<number>;
}
