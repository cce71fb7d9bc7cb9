import type { DomainEvent } from '@rc/contracts';
import type { AnalyticsProjection } from '../domain/analytics.ports';

/**
 * Applies one consumed event to the aggregates, exactly once per event id: a redelivered or
 * redriven event that was already applied changes nothing. Store errors propagate to the
 * consumer, which retries transient ones and dead-letters permanent ones.
 */
export class RecordEvent {
  constructor(private readonly projection: AnalyticsProjection) {}

  async execute(event: DomainEvent): Promise<'applied' | 'duplicate'> {
    return this.projection.apply(event);
  }

  /**
   * Applies a batch of consumed events in one unit of work (all or none; each event once).
   * Returns how many were new. A failure rolls the whole batch back; the consumer then applies
   * its events one by one with {@link execute}, so one bad event cannot hold up the others.
   */
  async executeBatch(events: readonly DomainEvent[]): Promise<number> {
    return this.projection.applyBatch(events);
  }
}
