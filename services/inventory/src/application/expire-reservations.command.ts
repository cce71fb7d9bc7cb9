import type { InventoryUnitOfWork } from '../domain/inventory-store.port';
import type { OrderOutcome, OrderStatusPort } from '../domain/order-status.port';
import { commitHeld, giveBackHeld } from './settle-held';

/** Options of {@link ExpireReservations}. */
export interface ExpireReservationsOptions {
  /** How long a claimed hold is left alone before it is asked about again, ms. */
  recheckAfterMs: number;
  /** Checkout reads in flight at once (default 4). */
  concurrency?: number;
}

/** What one run did with the holds it claimed. */
export interface ExpiryResult {
  /** Holds past their expiry claimed by this run (each asked about once). */
  claimed: number;
  /** Given back (EXPIRED): checkout says the order FAILED or does not exist. */
  expired: number;
  /** Committed: checkout says the order is CONFIRMED (stock must never go back on sale). */
  committed: number;
  /** Kept: the order is still in progress, or checkout gave no answer — asked again later. */
  held: number;
  /** Settled by another path meanwhile (OrderPlaced, OrderFailed, a release): left as they are. */
  skipped: number;
  /** What checkout answered, per outcome. */
  answers: Partial<Record<OrderOutcome, number>>;
}

/**
 * Settles reservations held past their expiry — never blindly. A hold that outlived its TTL
 * usually belongs to an abandoned order, but it may belong to an order that was charged and
 * confirmed while `OrderPlaced` was late (Kafka down or lagging): giving its units back would
 * sell them twice. So each due hold is first claimed (its re-check time moves ahead, so other
 * replicas skip it), then checkout is asked about its order, outside any transaction, and
 * then, in one transaction per hold that re-checks it is still RESERVED:
 * - CONFIRMED → committed, as `OrderPlaced` would (that event then finds it COMMITTED);
 * - FAILED or unknown to checkout → EXPIRED, units back on sale, `StockReleased`;
 * - in progress, or no answer → left RESERVED and asked again after `recheckAfterMs`.
 * One read per due hold: expiry is rare, and nothing is added to the checkout path.
 */
export class ExpireReservations {
  constructor(
    private readonly uow: InventoryUnitOfWork,
    private readonly orders: OrderStatusPort,
    private readonly options: ExpireReservationsOptions,
  ) {}

  /** Claims and settles up to `batchSize` due holds. */
  async execute(batchSize: number): Promise<ExpiryResult> {
    const due = await this.uow.run((tx) => tx.claimExpired(batchSize, this.options.recheckAfterMs));
    const result: ExpiryResult = {
      claimed: due.length,
      expired: 0,
      committed: 0,
      held: 0,
      skipped: 0,
      answers: {},
    };
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < due.length) {
        const orderId = due[next++]!;
        const answer = await this.orders.outcomeOf(orderId);
        result.answers[answer] = (result.answers[answer] ?? 0) + 1;
        result[await this.settle(orderId, answer)]++;
      }
    };
    const lanes = Math.min(this.options.concurrency ?? 4, due.length);
    await Promise.all(Array.from({ length: lanes }, lane));
    return result;
  }

  private settle(
    orderId: string,
    answer: OrderOutcome,
  ): Promise<'expired' | 'committed' | 'held' | 'skipped'> {
    if (answer === 'IN_PROGRESS' || answer === 'UNAVAILABLE') return Promise.resolve('held');
    return this.uow.run(async (tx) => {
      const reservation = await tx.lockReservation(orderId);
      if (reservation?.status !== 'RESERVED') return 'skipped';
      if (answer === 'CONFIRMED') {
        await commitHeld(tx, reservation);
        return 'committed';
      }
      await giveBackHeld(tx, reservation, 'EXPIRED');
      return 'expired';
    });
  }
}
