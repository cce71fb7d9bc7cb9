import type { DomainEvent } from '@rc/contracts';
import type { BatchHandler, EventHandlers } from '@rc/messaging';
import type {
  CommitPlacedOrder,
  PlacedOrderSettlement,
} from '../application/commit-placed-order.command';
import type { ReleaseReservation } from '../application/release-reservation.command';
import type { EventApplyingUnitOfWork, InventoryUnitOfWork } from '../domain/inventory-store.port';

/** What the `orders` handlers need. */
export interface OrderEventDeps {
  group: string;
  uow: EventApplyingUnitOfWork;
  placed: CommitPlacedOrder;
  release: ReleaseReservation;
  /**
   * Told how each newly applied `OrderPlaced` was settled, once its transaction has committed
   * (metrics and the operator's log line for a re-take or an oversell).
   */
  onPlaced?: (settlement: PlacedOrderSettlement) => void;
}

type OrderEvent = Extract<DomainEvent, { type: 'OrderPlaced' | 'OrderFailed' }>;

/** The work of one order event, in a unit of work; `settled` collects OrderPlaced outcomes. */
function workOf(deps: OrderEventDeps, event: DomainEvent, settled: PlacedOrderSettlement[]) {
  return async (tx: InventoryUnitOfWork): Promise<void> => {
    switch (event.type) {
      case 'OrderPlaced': {
        const { orderId, items } = event.data;
        settled.push(await deps.placed.execute(orderId, items, tx));
        return;
      }
      case 'OrderFailed':
        await deps.release.execute(event.data.orderId, tx);
        return;
      default:
        // Only types with a per-event handler reach here.
        throw new Error(`no inventory handler for ${event.type}`);
    }
  };
}

/**
 * Reactions to the `orders` topic, each applied at most once per event (inbox) in the same
 * transaction as its stock change and outbox events:
 * - `OrderPlaced` → settle the placed order's stock ({@link CommitPlacedOrder}): commit the
 *   hold, or — when the hold was given back meanwhile (expired while the event was late) —
 *   take the units again, recording any shortfall. A placed order is never dead-lettered for
 *   having outlived its hold;
 * - `OrderFailed` → release it (the saga usually released it already; then this is a no-op).
 *
 * Business refusals (`transient: false`: an order inventory never reserved, a release of a
 * committed reservation) are dead-lettered at once for an operator to look at; database
 * trouble is retried by the consumer.
 */
export function orderEventHandlers(deps: OrderEventDeps): EventHandlers {
  const handle = async (event: OrderEvent): Promise<void> => {
    const settled: PlacedOrderSettlement[] = [];
    await deps.uow.applyEventOnce(deps.group, event.id, workOf(deps, event, settled));
    for (const s of settled) deps.onPlaced?.(s);
  };
  return { OrderPlaced: handle, OrderFailed: handle };
}

/**
 * The batch form of {@link orderEventHandlers}: the `OrderPlaced`/`OrderFailed` events of one
 * fetched partition batch in ONE transaction (one inbox insert for all their ids, then each new
 * event's work, in offset order, with its outbox events), instead of one transaction each. Any
 * failure rolls the batch back and the consumer applies its events one by one with
 * {@link orderEventHandlers}, so a refused event is dead-lettered alone.
 */
export function orderEventsBatchHandler(deps: OrderEventDeps): BatchHandler {
  return async (events) => {
    const settled: PlacedOrderSettlement[] = [];
    await deps.uow.applyEventsOnce(
      deps.group,
      events.map((event) => ({ id: event.id, work: workOf(deps, event, settled) })),
    );
    for (const s of settled) deps.onPlaced?.(s);
  };
}
