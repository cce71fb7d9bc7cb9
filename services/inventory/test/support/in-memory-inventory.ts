import type { EventEnvelope } from '@rc/contracts';
import type {
  InventoryTransaction,
  InventoryUnitOfWork,
} from '../../src/domain/inventory-store.port';
import type { ProductPrice } from '../../src/domain/product';
import type { Reservation, ReservationItem, ReservationStatus } from '../../src/domain/reservation';

interface State {
  prices: Map<string, ProductPrice>;
  stock: Map<string, { onHand: number; reserved: number }>;
  reservations: Map<string, Reservation>;
  events: EventEnvelope[];
}

/**
 * An in-memory stand-in for the Postgres unit of work, for unit tests of the use cases: the
 * same contract (conditional reserve, all-or-nothing transactions, events only on commit),
 * one transaction at a time, and a settable clock for expiry.
 */
export class InMemoryInventory implements InventoryUnitOfWork {
  now = new Date('2030-01-01T00:00:00Z');
  private state: State = {
    prices: new Map(),
    stock: new Map(),
    reservations: new Map(),
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

  /** Committed events, oldest first. */
  get events(): EventEnvelope[] {
    return this.state.events;
  }

  async run<T>(work: (tx: InventoryTransaction) => Promise<T>): Promise<T> {
    const draft = structuredClone(this.state);
    const result = await work(new InMemoryTransaction(draft, this.now));
    this.state = draft;
    return result;
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

  async insertReservationPricing(orderId: string, ttlSeconds: number, skus: readonly string[]) {
    const inserted = await this.insertReservation(orderId, 'RESERVED', ttlSeconds);
    return { inserted, prices: this.findPrices(skus) };
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

  async tryReserve(sku: string, quantity: number) {
    const row = this.s.stock.get(sku);
    if (!row || row.onHand - row.reserved < quantity) return false;
    row.reserved += quantity;
    return true;
  }

  async commitReserved(sku: string, quantity: number) {
    const row = this.s.stock.get(sku)!;
    row.onHand -= quantity;
    row.reserved -= quantity;
    this.check(sku);
  }

  async releaseReserved(sku: string, quantity: number) {
    this.s.stock.get(sku)!.reserved -= quantity;
    this.check(sku);
  }

  async insertItemsPublishing(
    orderId: string,
    items: readonly ReservationItem[],
    event: EventEnvelope,
  ) {
    this.insertItems(orderId, items);
    await this.publish(event);
  }

  private insertItems(orderId: string, items: readonly ReservationItem[]) {
    this.s.reservations.get(orderId)!.items.push(...structuredClone([...items]));
  }

  async setStatus(orderId: string, status: ReservationStatus) {
    this.s.reservations.get(orderId)!.status = status;
  }

  async lockExpired(limit: number) {
    return [...this.s.reservations.values()]
      .filter((r) => r.status === 'RESERVED' && r.expiresAt <= this.now)
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())
      .slice(0, limit)
      .map((r) => structuredClone(r));
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
