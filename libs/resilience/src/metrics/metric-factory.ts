import {
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  register as globalRegistry,
  type Registry,
} from 'prom-client';

/**
 * Every metric of the toolkit is named `resilience_<piece>_<what>` and carries only bounded
 * labels (policy/dependency names from config, outcome enums, criticality classes) — never ids,
 * URLs or keys.
 */
export const METRIC_PREFIX = 'resilience_';

/** Name, help text and label names of one metric. */
export interface MetricSpec<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
}

/**
 * The platform's one get-or-create of a prom-client metric on a registry (`@rc/resilience/metrics`,
 * also used by `@rc/messaging`): components take an optional `Registry` (prom-client's global one
 * when undefined), and creating the same metric twice on one registry returns the existing one,
 * so many instances (one breaker per dependency, one consumer per group) share a metric. A
 * metric read at scrape time takes a `collect` function: only the creating call's is kept.
 */
function getOrCreate<L extends string, S extends MetricSpec<L>, M>(
  registry: Registry | undefined,
  spec: S,
  create: (config: S & { labelNames: L[]; registers: Registry[] }) => M,
): M {
  const target = registry ?? globalRegistry;
  return (
    (target.getSingleMetric(spec.name) as M | undefined) ??
    create({ ...spec, labelNames: [...spec.labelNames], registers: [target] })
  );
}

/**
 * Gets or creates a counter on `registry` (the global registry when undefined); `collect`, when
 * given, brings it up to date at scrape time.
 */
export function counter<L extends string>(
  registry: Registry | undefined,
  spec: MetricSpec<L> & Pick<CounterConfiguration<L>, 'collect'>,
): Counter<L> {
  return getOrCreate(registry, spec, (config) => new Counter<L>(config));
}

/**
 * Gets or creates a gauge on `registry` (the global registry when undefined); `collect`, when
 * given, sets it at scrape time.
 */
export function gauge<L extends string>(
  registry: Registry | undefined,
  spec: MetricSpec<L> & Pick<GaugeConfiguration<L>, 'collect'>,
): Gauge<L> {
  return getOrCreate(registry, spec, (config) => new Gauge<L>(config));
}

/** Gets or creates a histogram on `registry` (buckets in seconds; global registry when undefined). */
export function histogram<L extends string>(
  registry: Registry | undefined,
  spec: MetricSpec<L> & { buckets?: number[] },
): Histogram<L> {
  return getOrCreate(registry, spec, (config) => new Histogram<L>(config));
}
