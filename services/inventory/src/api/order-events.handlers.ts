import type { EventHandlers } from '@rc/messaging';
import type { CommitReservation } from '../application/commit-reservation.command';
import type { ReleaseReservation } from '../application/release-reservation.command';
import type { PgInventoryUnitOfWork } from '../infrastructure/pg-inventory.unit-of-work';

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
export function orderEventHandlers(deps: {
  group: string;
  uow: PgInventoryUnitOfWork;
  commit: CommitReservation;
  release: ReleaseReservation;
}): EventHandlers {
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
