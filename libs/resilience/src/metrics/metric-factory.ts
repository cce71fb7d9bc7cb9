import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Every metric of the toolkit is named `resilience_<piece>_<what>` and carries only bounded
 * labels (policy/dependency names from config, outcome enums, criticality classes) — never ids,
 * URLs or keys. Components take an optional prom-client `Registry`; creating the same metric
 * twice on one registry returns the existing one so many instances can share a metric.
 */
export const METRIC_PREFIX = 'resilience_';

interface MetricSpec<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
}

function existing<T>(registry: Registry, name: string): T | undefined {
  return registry.getSingleMetric(name) as T | undefined;
}

/** Gets or creates a counter on `registry`. */
export function counter<L extends string>(registry: Registry, spec: MetricSpec<L>): Counter<L> {
  return (
    existing<Counter<L>>(registry, spec.name) ??
    new Counter<L>({ ...spec, labelNames: [...spec.labelNames], registers: [registry] })
  );
}

/** Gets or creates a gauge on `registry`. */
export function gauge<L extends string>(registry: Registry, spec: MetricSpec<L>): Gauge<L> {
  return (
    existing<Gauge<L>>(registry, spec.name) ??
    new Gauge<L>({ ...spec, labelNames: [...spec.labelNames], registers: [registry] })
  );
}

/** Gets or creates a histogram on `registry` (buckets in seconds). */
export function histogram<L extends string>(
  registry: Registry,
  spec: MetricSpec<L> & { buckets?: number[] },
): Histogram<L> {
  return (
    existing<Histogram<L>>(registry, spec.name) ??
    new Histogram<L>({ ...spec, labelNames: [...spec.labelNames], registers: [registry] })
  );
}
