import { counter, gauge, histogram } from '@rc/resilience/metrics';
import { type Counter, type Histogram, Registry } from 'prom-client';
import { HeapReleaseAtRest, cpuShareSinceLastCall, obtainGc } from './heap-release';
import { loadMallocTrim } from './malloc-trim';
import {
  collectDefaultMetricsIdleAware,
  type IdleAwareDelayMonitor,
} from './idle-aware-delay-monitor';

/**
 * Buckets (seconds) from 1 ms to 10 s: covers refusals (a shed answer takes well under 5 ms
 * inside the service), fast reads and deadline-bound checkouts.
 */
export const HTTP_DURATION_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Sampling period of the event-loop delay metrics while the loop is busy, ms (see the constructor). */
export const EVENT_LOOP_MONITORING_PRECISION_MS = 50;

/**
 * The service's metrics: one prom-client registry (other libs register on it), default process
 * metrics (CPU, memory, GC, event-loop lag) and the HTTP server golden signals. Labels are
 * bounded: `route` is the route template (`/v1/orders/:orderId`) or `unmatched`, `status_class`
 * is `2xx`…`5xx`. `/metrics` and `/health/*` are counted like any route, so scrapes and probes
 * are visible but separable by `route`.
 */
export class ServiceMetrics {
  readonly registry: Registry;
  readonly requestDuration: Histogram<'method' | 'route' | 'status_class'>;
  readonly requests: Counter<'method' | 'route' | 'status_class'>;
  /**
   * The load shedder's refusals alone (503 with `x-retry: no`), by route: how fast a shed answer
   * leaves, apart from the other 5xx of the same route (an admitted request that failed late).
   */
  readonly shedDuration: Histogram<'method' | 'route'>;
  /** What samples `nodejs_eventloop_lag_*` (every 50 ms while busy, every second at rest). */
  readonly eventLoopDelay: IdleAwareDelayMonitor;

  constructor(service: string, version: string, configHash = 'unknown', registry = new Registry()) {
    this.registry = registry;
    registry.setDefaultLabels({ service });
    // The event-loop delay histogram samples on a timer: prom-client's default, 10 ms, wakes an
    // idle process 100 times a second, and even 50 ms (20 a second) was the largest part of an
    // idle service's CPU. So it samples every 50 ms only while the loop is busy — any stall of
    // 50 ms or more under load is recorded, which is what the saturation panels and alerts look
    // for — and every second at rest (see IdleAwareDelayMonitor for what that gives up).
    // Once the loop has settled at rest after a busy period, one memory-reducing collection
    // gives the heap's spare pages back (see HeapReleaseAtRest); counted, so a panel shows them.
    const releases = counter(registry, {
      name: 'nodejs_heap_releases_at_rest_total',
      help: 'Memory-reducing full collections asked for when the event loop came to rest after a busy period, or when a light load ended (under 1 % of a core for a watch period, its resident memory 16 MiB above what the last release left).',
      labelNames: [],
    });
    // Then glibc's allocator is asked to give back its free pages (malloc_trim), when the
    // platform's addon was built here; a service without it exports no trims. A return to rest
    // that earns no release (start-up) gets the trim alone, at most once a minute.
    const trims = counter(registry, {
      name: 'nodejs_malloc_trims_at_rest_total',
      help: 'Times the allocator was asked to give its free pages back at rest (after a heap release, or alone after start-up or a short burst, at most once a minute), by whether it returned any (released: true|false).',
      labelNames: ['released'],
    });
    const gc = obtainGc();
    const trim = gc && loadMallocTrim();
    const release =
      gc &&
      new HeapReleaseAtRest({
        gc,
        restingForMs: () => this.eventLoopDelay.restingForMs,
        // A light load may never make the loop busy: a watch releases after it too.
        cpuShare: cpuShareSinceLastCall(),
        onRelease: () => releases.inc(),
        ...(trim && {
          trim,
          onTrim: (released: boolean) => trims.inc({ released: String(released) }),
        }),
      });
    this.eventLoopDelay = collectDefaultMetricsIdleAware(registry, {
      busyPeriodMs: EVENT_LOOP_MONITORING_PRECISION_MS,
      ...(release && { onRest: (busyForMs: number) => release.onRest(busyForMs) }),
    });
    this.requestDuration = histogram(registry, {
      name: 'http_server_request_duration_seconds',
      help: 'Duration of inbound HTTP requests, by route template and status class.',
      labelNames: ['method', 'route', 'status_class'],
      buckets: HTTP_DURATION_BUCKETS,
    });
    this.requests = counter(registry, {
      name: 'http_server_requests_total',
      help: 'Inbound HTTP requests, by route template and status class.',
      labelNames: ['method', 'route', 'status_class'],
    });
    this.shedDuration = histogram(registry, {
      name: 'http_server_shed_duration_seconds',
      help: "Duration of the load shedder's 503 answers (x-retry: no), by route template; also counted in http_server_request_duration_seconds.",
      labelNames: ['method', 'route'],
      buckets: HTTP_DURATION_BUCKETS,
    });
    // Replicas of one service reporting different config_hash values is configuration drift
    // (an alert in deploy/prometheus compares them).
    gauge(registry, {
      name: 'service_info',
      help: 'Always 1; labels carry the service version and a hash of its effective config.',
      labelNames: ['version', 'config_hash'],
    })
      .labels(version, configHash)
      .set(1);
  }

  /** Records one finished request; `shed` when the load shedder refused it. */
  observe(method: string, route: string, status: number, seconds: number, shed = false): void {
    const labels = { method, route, status_class: `${Math.floor(status / 100)}xx` };
    this.requestDuration.observe(labels, seconds);
    this.requests.inc(labels);
    if (shed) this.shedDuration.observe({ method, route }, seconds);
  }
}
