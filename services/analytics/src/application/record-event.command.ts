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
}
