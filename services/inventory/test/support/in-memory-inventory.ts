import type { EventEnvelope } from '@rc/contracts';
import type {
  InventoryTransaction,
  ReserveAttempt,
  ReservingUnitOfWork,
} from '../../src/domain/inventory-store.port';
import type { ProductPrice } from '../../src/domain/product';
import type {
  RequestedItem,
  Reservation,
  ReservationItem,
  ReservationStatus,
} from '../../src/domain/reservation';

interface State {
  prices: Map<string, ProductPrice>;
  stock: Map<string, { onHand: number; reserved: number }>;
  reservations: Map<string, Reservation>;
  recheckAt: Map<string, Date>;
  shortfalls: (RequestedItem & { orderId: string })[];
  events: EventEnvelope[];
}

/**
 * An in-memory stand-in for the Postgres unit of work, for unit tests of the use cases: the
 * same contract (conditional reserve, all-or-nothing transactions, events only on commit),
 * one transaction at a time, and a settable clock for expiry.
 */
export class InMemoryInventory implements ReservingUnitOfWork {
  now = new Date('2030-01-01T00:00:00Z');
  private queue: Promise<void> = Promise.resolve();
  private state: State = {
    prices: new Map(),
    stock: new Map(),
    reservations: new Map(),
    recheckAt: new Map(),
    shortfalls: [],
    events: [],
  };

  /** Adds a product with `onHand` units. */
  addProduct(sku: string, price: number, onHand: number, currency = 'EUR'): void {
    this.state.prices.set(sku, { sku, price, currency });
    this.state.stock.set(sku, { onHand, reserved: 0 });
  }

  stockOf(sku: string): { onHand: number; reserved: number } {
    return { ...this.state.stock.get(sku)! };
  }

  reservation(orderId: string): Reservation | undefined {
    return this.state.reservations.get(orderId);
  }

  /** Recorded shortfalls (stock_shortfalls), oldest first. */
  get shortfalls(): (RequestedItem & { orderId: string })[] {
    return this.state.shortfalls;
  }

  /** Sets the stock of `sku` (e.g. units sold to others meanwhile). */
  setStock(sku: string, onHand: number, reserved: number): void {
    this.state.stock.set(sku, { onHand, reserved });
  }

  /** Committed events, oldest first. */
  get events(): EventEnvelope[] {
    return this.state.events;
  }

  /** Transactions run one after another (callers may start several at once). */
  run<T>(work: (tx: InventoryTransaction) => Promise<T>): Promise<T> {
    return this.transact((draft) => work(new InMemoryTransaction(draft, this.now)));
  }

  /** `work` on a copy of the state that replaces it only if `work` resolves (all or nothing). */
  private transact<T>(work: (draft: State) => Promise<T>): Promise<T> {
    const result = this.queue.then(async () => {
      const draft = structuredClone(this.state);
      const value = await work(draft);
      this.state = draft;
      return value;
    });
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** The same all-or-nothing verdict as the one Postgres statement, on the in-memory state. */
  reserve(
    orderId: string,
    ttlSeconds: number,
    items: readonly RequestedItem[],
    event: EventEnvelope,
  ): Promise<ReserveAttempt> {
    return this.transact(async (s) => {
      const unknown = items.filter((i) => !s.prices.has(i.sku)).map((i) => i.sku);
      const short = items
        .filter((i) => s.prices.has(i.sku))
        .filter((i) => {
          const row = s.stock.get(i.sku);
          return !row || row.onHand - row.reserved < i.quantity;
        })
        .map((i) => i.sku);
      if (unknown.length > 0 || short.length > 0 || s.reservations.has(orderId))
        return { reservation: undefined, unknown, short };
      for (const i of items) s.stock.get(i.sku)!.reserved += i.quantity;
      const reservation: Reservation = {
        orderId,
        status: 'RESERVED',
        expiresAt: new Date(this.now.getTime() + ttlSeconds * 1000),
        items: items.map((i) => {
          const price = s.prices.get(i.sku)!;
          return { ...i, unitPrice: price.price, currency: price.currency };
        }),
      };
      s.reservations.set(orderId, reservation);
      s.events.push(event);
      return { reservation: structuredClone(reservation) };
    });
  }
}

class InMemoryTransaction implements InventoryTransaction {
  constructor(
    private readonly s: State,
    private readonly now: Date,
  ) {}

  async insertReservation(orderId: string, status: ReservationStatus, ttlSeconds: number) {
    if (this.s.reservations.has(orderId)) return undefined;
    const reservation: Reservation = {
      orderId,
      status,
      expiresAt: new Date(this.now.getTime() + ttlSeconds * 1000),
      items: [],
    };
    this.s.reservations.set(orderId, reservation);
    return structuredClone(reservation);
  }

  async lockReservation(orderId: string) {
    const r = this.s.reservations.get(orderId);
    return r && structuredClone(r);
  }

  private findPrices(skus: readonly string[]) {
    return new Map(
      skus.flatMap((sku) => {
        const p = this.s.prices.get(sku);
        return p ? [[sku, p] as const] : [];
      }),
    );
  }

  async settleReservation(
    orderId: string,
    items: readonly ReservationItem[],
    move: 'commit' | 'release',
    status: ReservationStatus,
    event: EventEnvelope,
  ) {
    for (const { sku, quantity } of items) {
      const row = this.s.stock.get(sku)!;
      if (move === 'commit') row.onHand -= quantity;
      row.reserved -= quantity;
      this.check(sku);
    }
    await this.setStatus(orderId, status);
    await this.publish(event);
  }

  async takeAvailable(lines: readonly RequestedItem[]) {
    return lines.map(({ sku, quantity }) => {
      const row = this.s.stock.get(sku);
      const taken = row ? Math.max(0, Math.min(quantity, row.onHand - row.reserved)) : 0;
      if (row) row.onHand -= taken;
      return { sku, quantity: taken };
    });
  }

  async recordShortfall(orderId: string, lines: readonly RequestedItem[]) {
    for (const line of lines) this.s.shortfalls.push({ orderId, ...line });
  }

  async setStatus(orderId: string, status: ReservationStatus) {
    this.s.reservations.get(orderId)!.status = status;
  }

  async claimExpired(limit: number, recheckAfterMs: number) {
    const due = [...this.s.reservations.values()]
      .filter((r) => r.status === 'RESERVED' && r.expiresAt <= this.now)
      .filter((r) => (this.s.recheckAt.get(r.orderId) ?? r.expiresAt) <= this.now)
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())
      .slice(0, limit);
    for (const r of due)
      this.s.recheckAt.set(r.orderId, new Date(this.now.getTime() + recheckAfterMs));
    return due.map((r) => r.orderId);
  }

  async publish(event: EventEnvelope) {
    this.s.events.push(event);
  }

  /** The CHECK constraints of the stock table. */
  private check(sku: string): void {
    const row = this.s.stock.get(sku)!;
    if (row.onHand < 0 || row.reserved < 0 || row.reserved > row.onHand) {
      throw new Error(`stock CHECK violated for ${sku}`);
    }
  }
}
