import { EVENT_TYPES, type DomainEvent } from '@rc/contracts';
import type { BatchHandler, EventHandlers } from '@rc/messaging';
import type { RecordEvent } from '../application/record-event.command';

/**
 * Kafka edge of analytics: every registered event type of every topic is recorded (a type
 * added to the contracts later is counted without a code change here). The consumer has
 * validated each envelope; invalid messages never reach this and go to the DLQ.
 */
export function analyticsEventHandlers(recordEvent: RecordEvent): EventHandlers {
  const record = async (event: DomainEvent) => {
    await recordEvent.execute(event);
  };
  return Object.fromEntries(EVENT_TYPES.map((type) => [type, record]));
}

/**
 * The batch form of {@link analyticsEventHandlers}: the events of one fetched partition batch in
 * one transaction (one inbox insert for all their ids, one upsert per aggregate table), with the
 * per-event handlers as the consumer's fallback when it fails.
 */
export function analyticsBatchHandler(recordEvent: RecordEvent): BatchHandler {
  return async (events) => {
    await recordEvent.executeBatch(events);
  };
}
