import type { Registry } from 'prom-client';
import { counter, gauge } from '@rc/resilience/metrics';

/** The relay's metrics, labelled by relay name (one per service). */
export function outboxRelayMetrics(registry: Registry | undefined) {
  return {
    published: counter(registry, {
      name: 'messaging_outbox_published_total',
      help: 'Outbox rows published to Kafka and marked published',
      labelNames: ['relay', 'topic'],
    }),
    failures: counter(registry, {
      name: 'messaging_outbox_publish_failures_total',
      help: 'Outbox batches Kafka did not acknowledge (the rows stay and are retried)',
      labelNames: ['relay'],
    }),
    fenced: counter(registry, {
      name: 'messaging_outbox_relay_fenced_total',
      help: 'Times a relay found its lease epoch superseded and stepped down',
      labelNames: ['relay'],
    }),
    backlog: gauge(registry, {
      name: 'messaging_outbox_backlog',
      help: 'Unpublished outbox rows (reported by the leader)',
      labelNames: ['relay'],
    }),
    oldestAge: gauge(registry, {
      name: 'messaging_outbox_oldest_unpublished_age_seconds',
      help: 'Age of the oldest unpublished outbox row: how far behind Kafka the relay is',
      labelNames: ['relay'],
    }),
    leader: gauge(registry, {
      name: 'messaging_outbox_relay_leader',
      help: '1 while this instance is the active relay, 0 while it stands by',
      labelNames: ['relay'],
    }),
    listening: gauge(registry, {
      name: 'messaging_outbox_relay_listening',
      help: "1 while the leader waits for the outbox trigger's notifications, 0 while it polls under sustained load (or stands by)",
      labelNames: ['relay'],
    }),
  };
}

/** The relay's metrics. */
export type OutboxRelayMetrics = ReturnType<typeof outboxRelayMetrics>;

/**
 * Exports the relay's series at 0 before anything happens: not leader yet, no failure, never
 * fenced. A labelled counter otherwise appears only on its first increment, and `increase()`
 * cannot see that first failure or fencing.
 */
export function initialiseRelaySeries(metrics: OutboxRelayMetrics, relay: string): void {
  metrics.leader.set({ relay }, 0);
  metrics.listening.set({ relay }, 0);
  metrics.failures.inc({ relay }, 0);
  metrics.fenced.inc({ relay }, 0);
}
