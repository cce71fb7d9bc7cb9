import type { DomainEvent } from '@rc/contracts';
import type { BatchHandler, EventHandlers } from '@rc/messaging';
import type { CommitReservation } from '../application/commit-reservation.command';
import type { ReleaseReservation } from '../application/release-reservation.command';
import type { InventoryUnitOfWork } from '../domain/inventory-store.port';
import type { PgInventoryUnitOfWork } from '../infrastructure/pg-inventory.unit-of-work';

/** What the `orders` handlers need. */
export interface OrderEventDeps {
  group: string;
  uow: PgInventoryUnitOfWork;
  commit: CommitReservation;
  release: ReleaseReservation;
}

/**
 * Reactions to the `orders` topic, each applied at most once per event (inbox) in the same
 * transaction as its stock change and outbox events:
 * - `OrderPlaced` → commit the order's reservation (the only path that commits: checkout does
 *   not call commit synchronously);
 * - `OrderFailed` → release it (the saga usually released it already; then this is a no-op).
 *
 * Business refusals (`transient: false`: no reservation, reservation expired/committed) are
 * dead-lettered at once for an operator to look at; database trouble is retried by the consumer.
 */
export function orderEventHandlers(deps: OrderEventDeps): EventHandlers {
  const { group, uow, commit, release } = deps;
  return {
    OrderPlaced: async (event) => {
      await uow.applyEventOnce(group, event.id, (tx) => commit.execute(event.data.orderId, tx));
    },
    OrderFailed: async (event) => {
      await uow.applyEventOnce(group, event.id, (tx) => release.execute(event.data.orderId, tx));
    },
  };
}

/**
 * The batch form of {@link orderEventHandlers}: the `OrderPlaced`/`OrderFailed` events of one
 * fetched partition batch in ONE transaction (one inbox insert for all their ids, then each new
 * event's commit or release, in offset order, with its outbox event), instead of one
 * transaction each. Any failure rolls the batch back and the consumer applies its events one by
 * one with {@link orderEventHandlers}, so a refused event is dead-lettered alone.
 */
export function orderEventsBatchHandler(deps: OrderEventDeps): BatchHandler {
  const { group, uow, commit, release } = deps;
  const work = (event: DomainEvent) => (tx: InventoryUnitOfWork) => {
    switch (event.type) {
      case 'OrderPlaced':
        return commit.execute(event.data.orderId, tx);
      case 'OrderFailed':
        return release.execute(event.data.orderId, tx);
      default:
        // Only types with a per-event handler reach a batch handler.
        throw new Error(`no inventory handler for ${event.type}`);
    }
  };
  return async (events) => {
    await uow.applyEventsOnce(
      group,
      events.map((event) => ({ id: event.id, work: work(event) })),
    );
  };
}
