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
 *   having outlived its hold. The common case (a new event, its hold RESERVED with the order's
 *   lines) is one statement ({@link CommitPlacedOrder.commitHeldOnce}), the rest the general way;
 * - `OrderFailed` → release it (the saga usually released it already; then this is a no-op).
 *
 * Business refusals (`transient: false`: an order inventory never reserved, a release of a
 * committed reservation) are dead-lettered at once for an operator to look at; database
 * trouble is retried by the consumer.
 */
export function orderEventHandlers(deps: OrderEventDeps): EventHandlers {
  const handle = async (event: OrderEvent): Promise<void> => {
    if ((await commitHeldFirst(deps, [event])).size > 0) return;
    const settled: PlacedOrderSettlement[] = [];
    await deps.uow.applyEventOnce(deps.group, event.id, workOf(deps, event, settled));
    for (const s of settled) deps.onPlaced?.(s);
  };
  return { OrderPlaced: handle, OrderFailed: handle };
}

/**
 * The batch form of {@link orderEventHandlers}: the common `OrderPlaced` events of one fetched
 * partition batch in one statement, then the rest in ONE transaction (one inbox insert for all
 * their ids, then each new event's work, in offset order, with its outbox events), instead of
 * one transaction each. Any failure of the rest rolls it back and the consumer applies the
 * batch's events one by one with {@link orderEventHandlers} (those already applied are
 * duplicates then), so a refused event is dead-lettered alone.
 */
export function orderEventsBatchHandler(deps: OrderEventDeps): BatchHandler {
  return async (events) => {
    const done = await commitHeldFirst(deps, events);
    const rest = events.filter((event) => !done.has(event.id));
    if (rest.length === 0) return;
    const settled: PlacedOrderSettlement[] = [];
    await deps.uow.applyEventsOnce(
      deps.group,
      rest.map((event) => ({ id: event.id, work: workOf(deps, event, settled) })),
    );
    for (const s of settled) deps.onPlaced?.(s);
  };
}

/**
 * Applies the common `OrderPlaced` events among `events` in one statement
 * ({@link CommitPlacedOrder.commitHeldOnce}) and tells `onPlaced` of each; returns the ids of
 * those applied. An order named by more than one event of the list is left out (its events keep
 * their order on the general path), so each order and each event is in the statement once.
 */
async function commitHeldFirst(
  deps: OrderEventDeps,
  events: readonly DomainEvent[],
): Promise<Map<string, PlacedOrderSettlement>> {
  const perOrder = new Map<string, number>();
  for (const event of events) {
    const orderId = orderIdOf(event);
    if (orderId) perOrder.set(orderId, (perOrder.get(orderId) ?? 0) + 1);
  }
  const placed = events.flatMap((event) =>
    event.type === 'OrderPlaced' && perOrder.get(event.data.orderId) === 1
      ? [{ eventId: event.id, orderId: event.data.orderId, lines: event.data.items }]
      : [],
  );
  if (placed.length === 0) return new Map();
  const done = await deps.placed.commitHeldOnce(deps.group, placed, deps.uow);
  for (const s of done.values()) deps.onPlaced?.(s);
  return done;
}

function orderIdOf(event: DomainEvent): string | undefined {
  return event.type === 'OrderPlaced' || event.type === 'OrderFailed'
    ? event.data.orderId
    : undefined;
}
