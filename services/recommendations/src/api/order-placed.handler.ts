import type { EventHandlers } from '@rc/messaging';
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
