import type { BatchHandler, EventHandlers } from '@rc/messaging';
import type { RecordOrder } from '../application/record-order.command';

/**
 * Kafka edge of the model: `OrderPlaced` from the `orders` topic teaches the model; every
 * other event type of the topic (`OrderFailed`) is skipped by the consumer. The envelope was
 * validated by the consumer before it gets here; the event id makes the write idempotent.
 */
export function orderEventHandlers(recordOrder: RecordOrder): EventHandlers {
  return {
    OrderPlaced: async (event) => {
      await recordOrder.execute({ eventId: event.id, items: event.data.items });
    },
  };
}

/**
 * The batch twin of {@link orderEventHandlers}: the `OrderPlaced` events of one fetch (every
 * partition's, the consumer coalesces them) learnt in one Redis round trip. Its fallback, when
 * it throws, is the per-event handler for each event: the orders it learnt already are then
 * duplicates, so the effect is that of the events applied one by one.
 */
export function orderEventsBatchHandler(recordOrder: RecordOrder): BatchHandler {
  return async (events) => {
    const commands = [];
    for (const event of events) {
      if (event.type === 'OrderPlaced') {
        commands.push({ eventId: event.id, items: event.data.items });
      }
    }
    await recordOrder.executeBatch(commands);
  };
}
