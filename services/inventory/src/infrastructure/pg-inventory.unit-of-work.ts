import { inbox, type InboxOutcome } from '@rc/messaging';
import { withTransaction } from '@rc/platform';
import type { ClientBase, Pool } from 'pg';
import type { InventoryTransaction, InventoryUnitOfWork } from '../domain/inventory-store.port';
import { type EventRouting, PgInventoryTransaction } from './pg-inventory.transaction';

/** Each `run` is one Postgres transaction on a pooled connection. */
export class PgInventoryUnitOfWork implements InventoryUnitOfWork {
  constructor(
    private readonly pool: Pool,
    private readonly routing: EventRouting = {},
  ) {}

  run<T>(work: (tx: InventoryTransaction) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, (client) =>
      work(new PgInventoryTransaction(client, this.routing)),
    );
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

  /** A unit of work that runs inside `client`'s already open transaction. */
  private joining(client: ClientBase): InventoryUnitOfWork {
    const tx = new PgInventoryTransaction(client, this.routing);
    return { run: (work) => work(tx) };
  }
}
