import type { Counter, Gauge, Registry } from 'prom-client';
import { counter, gauge } from '../metrics';

/** Bulkhead metrics with label children bound once (no label lookup per call). */
export class BulkheadMetrics {
  /** Calls holding a slot. */
  readonly inFlight: Gauge.Internal<'dependency'>;
  /** Callers waiting for a slot. */
  readonly queued: Gauge.Internal<'dependency'>;
  /** Rejected because slots and queue were full. */
  readonly rejectedFull: Counter.Internal;
  /** Rejected after waiting `maxQueueWaitMs` in the queue. */
  readonly rejectedQueueTimeout: Counter.Internal;

  constructor(registry: Registry, dependency: string) {
    this.inFlight = gauge(registry, {
      name: 'resilience_bulkhead_in_flight',
      help: 'Calls holding a bulkhead slot',
      labelNames: ['dependency'],
    }).labels({ dependency });
    this.queued = gauge(registry, {
      name: 'resilience_bulkhead_queued',
      help: 'Callers waiting in the bulkhead queue',
      labelNames: ['dependency'],
    }).labels({ dependency });
    const rejected = counter(registry, {
      name: 'resilience_bulkhead_rejected_total',
      help: 'Calls rejected by the bulkhead, by reason',
      labelNames: ['dependency', 'reason'],
    });
    this.rejectedFull = rejected.labels({ dependency, reason: 'full' });
    this.rejectedQueueTimeout = rejected.labels({ dependency, reason: 'queue_timeout' });
    this.inFlight.set(0);
    this.queued.set(0);
  }
}
