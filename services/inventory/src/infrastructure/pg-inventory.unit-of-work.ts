import { inbox, type InboxOutcome } from '@rc/messaging';
import type { EventEnvelope } from '@rc/contracts';
import { withTransaction } from '@rc/platform';
import type { ClientBase, Pool } from 'pg';
import type {
  EventApplyingUnitOfWork,
  HeldCommit,
  InventoryTransaction,
  InventoryUnitOfWork,
  ReserveAttempt,
  ReserveCompletion,
  ReservingUnitOfWork,
} from '../domain/inventory-store.port';
import type { RequestedItem } from '../domain/reservation';
import { commitHeldInOneStatement } from './pg-inventory.commit-placed';
import { reserveInOneStatement } from './pg-inventory.reserve';
import { type EventRouting, PgInventoryTransaction } from './pg-inventory.transaction';

/** Each `run` is one Postgres transaction on a pooled connection. */
export class PgInventoryUnitOfWork implements ReservingUnitOfWork, EventApplyingUnitOfWork {
  constructor(
    private readonly pool: Pool,
    private readonly routing: EventRouting = {},
  ) {}

  run<T>(work: (tx: InventoryTransaction) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, (client) =>
      work(new PgInventoryTransaction(client, this.routing)),
    );
  }

  /** One statement, no transaction block around it (see {@link reserveInOneStatement}). */
  reserve(
    orderId: string,
    ttlSeconds: number,
    items: readonly RequestedItem[],
    event: EventEnvelope,
    completion?: ReserveCompletion,
  ): Promise<ReserveAttempt> {
    return reserveInOneStatement(
      this.pool,
      this.routing,
      orderId,
      ttlSeconds,
      items,
      event,
      completion,
    );
  }

  /** One statement, no transaction block around it (see {@link commitHeldInOneStatement}). */
  commitHeldOnce(group: string, orders: readonly HeldCommit[]): Promise<Set<string>> {
    return commitHeldInOneStatement(this.pool, this.routing, group, orders);
  }

  /**
   * Applies an event at most once per consumer group: `work` gets a unit of work bound to the
   * inbox's transaction, so the state change, its outbox events and the "event applied" record
   * commit together. A redelivered event is a `duplicate` and `work` does not run.
   */
  applyEventOnce(
    group: string,
    eventId: string,
    work: (uow: InventoryUnitOfWork) => Promise<unknown>,
  ): Promise<InboxOutcome> {
    return inbox.runOnce(this.pool, group, eventId, async (client) => {
      await work(this.joining(client));
    });
  }

  /**
   * The batch form of {@link applyEventOnce}: ONE transaction records every event id in one
   * inbox insert and runs the work of the events not applied before, in order, on a unit of work
   * bound to it; everything commits together or not at all (a failure rolls the whole batch
   * back and propagates). Returns the ids that were new.
   */
  applyEventsOnce(
    group: string,
    events: readonly { id: string; work: (uow: InventoryUnitOfWork) => Promise<unknown> }[],
  ): Promise<string[]> {
    return inbox.runBatch(
      this.pool,
      group,
      events.map((e) => e.id),
      async (client, fresh) => {
        const uow = this.joining(client);
        const pending = new Set(fresh);
        for (const event of events) {
          // A repeated id inside the batch runs once (the first occurrence).
          if (pending.delete(event.id)) await event.work(uow);
        }
      },
    );
  }

  /** A unit of work that runs inside `client`'s already open transaction. */
  private joining(client: ClientBase): InventoryUnitOfWork {
    const tx = new PgInventoryTransaction(client, this.routing);
    return { run: (work) => work(tx) };
  }
}
