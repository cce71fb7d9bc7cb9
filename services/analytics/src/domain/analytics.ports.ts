import type { DomainEvent } from '@rc/contracts';
import type { AnalyticsSummary, ProductSales } from './analytics';

/**
 * Applies events to the aggregates, each event at most once (the inbox): `duplicate` when the
 * event id was applied before. Rejects with the store's error, which the consumer classifies
 * (retry, dead-letter, or stop).
 */
export interface AnalyticsProjection {
  apply(event: DomainEvent): Promise<'applied' | 'duplicate'>;
  /**
   * Applies several events all or nothing, each at most once (the ones applied before are
   * skipped); the same aggregates as {@link apply} one by one. Returns how many were new.
   */
  applyBatch(events: readonly DomainEvent[]): Promise<number>;
}

/** Reads the aggregates. */
export interface AnalyticsReadModel {
  summary(currency: string, top: number): Promise<AnalyticsSummary>;
  /** A product never sold reads as zero units and revenue. */
  product(sku: string, currency: string): Promise<ProductSales>;
}

/** Moves dead-lettered events back to their topic. */
export interface DeadLetterRedriver {
  redrive(dlqTopic: string, limit: number): Promise<{ redriven: number; timedOut: boolean }>;
}

/** DI tokens of the ports. */
export const ANALYTICS_PROJECTION = Symbol('AnalyticsProjection');
export const ANALYTICS_READ_MODEL = Symbol('AnalyticsReadModel');
export const DEAD_LETTER_REDRIVER = Symbol('DeadLetterRedriver');
