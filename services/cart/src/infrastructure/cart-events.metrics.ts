import { counter, gauge } from '@rc/resilience';
import type { Counter, Gauge, Registry } from 'prom-client';

/** Metrics of the best-effort cart event stream. */
export interface CartEventMetrics {
  recorded: Counter<'type'>;
  published: Counter<string>;
  dropped: Counter<'reason'>;
  publishFailures: Counter<string>;
  buffered: Gauge<string>;
}

/** Why cart events are dropped: the `reason` label of `cart_events_dropped_total`. */
export const DROP_REASONS = ['buffer_full', 'shutdown', 'invalid'] as const;

/** One of {@link DROP_REASONS}. */
export type DropReason = (typeof DROP_REASONS)[number];

/** Gets or creates the cart event metrics on `registry`. */
export function cartEventMetrics(registry: Registry): CartEventMetrics {
  const metrics: CartEventMetrics = {
    recorded: counter(registry, {
      name: 'cart_events_recorded_total',
      help: 'Cart change events handed to the background publisher, by event type.',
      labelNames: ['type'] as const,
    }),
    published: counter(registry, {
      name: 'cart_events_published_total',
      help: 'Cart change events acknowledged by Kafka.',
      labelNames: [] as const,
    }),
    dropped: counter(registry, {
      name: 'cart_events_dropped_total',
      help: 'Cart change events lost on purpose: buffer_full (oldest dropped while Kafka is slow or down), shutdown (still buffered at exit), invalid.',
      labelNames: ['reason'] as const,
    }),
    publishFailures: counter(registry, {
      name: 'cart_events_publish_failures_total',
      help: 'Batches Kafka did not acknowledge (the batch goes back to the buffer).',
      labelNames: [] as const,
    }),
    buffered: gauge(registry, {
      name: 'cart_events_buffered',
      help: 'Cart change events waiting in the in-memory buffer.',
      labelNames: [] as const,
    }),
  };
  // Drops are rare: every reason is exported at 0 from the start, so increase() sees the first.
  for (const reason of DROP_REASONS) metrics.dropped.inc({ reason }, 0);
  return metrics;
}
