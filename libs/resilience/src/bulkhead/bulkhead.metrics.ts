import type { Counter, Gauge, Registry } from 'prom-client';
import { counter, gauge } from '../metrics';
import { publishOnScrape } from '../policy/publish-on-scrape';

/** Live numbers of a bulkhead, read at scrape time. */
export interface BulkheadLoad {
  readonly inFlight: number;
  readonly queued: number;
}

/**
 * Bulkhead metrics. The in-flight and queued gauges are read from the bulkhead at scrape time
 * (nothing to update per call); rejections (rare) are counted directly on bound children.
 */
export class BulkheadMetrics {
  private readonly inFlight: Gauge.Internal<'dependency'>;
  private readonly queued: Gauge.Internal<'dependency'>;
  /** Rejected because slots and queue were full. */
  readonly rejectedFull: Counter.Internal;
  /** Rejected after waiting `maxQueueWaitMs` in the queue. */
  readonly rejectedQueueTimeout: Counter.Internal;

  constructor(
    registry: Registry,
    dependency: string,
    private readonly load: BulkheadLoad,
  ) {
    const inFlight = gauge(registry, {
      name: 'resilience_bulkhead_in_flight',
      help: 'Calls holding a bulkhead slot',
      labelNames: ['dependency'],
    });
    const queued = gauge(registry, {
      name: 'resilience_bulkhead_queued',
      help: 'Callers waiting in the bulkhead queue',
      labelNames: ['dependency'],
    });
    this.inFlight = inFlight.labels({ dependency });
    this.queued = queued.labels({ dependency });
    publishOnScrape(inFlight, this);
    publishOnScrape(queued, this);
    const rejected = counter(registry, {
      name: 'resilience_bulkhead_rejected_total',
      help: 'Calls rejected by the bulkhead, by reason',
      labelNames: ['dependency', 'reason'],
    });
    this.rejectedFull = rejected.labels({ dependency, reason: 'full' });
    this.rejectedQueueTimeout = rejected.labels({ dependency, reason: 'queue_timeout' });
    // Exported at 0 from the start, so rate() sees the first rejection (a labelled counter
    // otherwise appears only once incremented).
    this.rejectedFull.inc(0);
    this.rejectedQueueTimeout.inc(0);
    this.publish();
  }

  /** @internal Copies the live load into the gauges (called at scrape time). */
  publish(): void {
    this.inFlight.set(this.load.inFlight);
    this.queued.set(this.load.queued);
  }
}
