import { Counter, Gauge, register as globalRegistry, type Registry } from 'prom-client';

/**
 * Every metric of this package is named `messaging_<component>_<what>` and carries bounded
 * labels only (relay names, consumer groups, topics, partitions, outcome enums), never event
 * ids or keys. Components take an optional prom-client `Registry` (the global one by default);
 * creating a metric twice on one registry returns the existing one.
 */
export const METRIC_PREFIX = 'messaging_';

interface MetricSpec<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
}

/** Gets or creates a counter on `registry`. */
export function counter<L extends string>(
  registry: Registry | undefined,
  spec: MetricSpec<L>,
): Counter<L> {
  const target = registry ?? globalRegistry;
  return (
    (target.getSingleMetric(spec.name) as Counter<L> | undefined) ??
    new Counter<L>({ ...spec, labelNames: [...spec.labelNames], registers: [target] })
  );
}

/** Gets or creates a gauge on `registry`. */
export function gauge<L extends string>(
  registry: Registry | undefined,
  spec: MetricSpec<L>,
): Gauge<L> {
  const target = registry ?? globalRegistry;
  return (
    (target.getSingleMetric(spec.name) as Gauge<L> | undefined) ??
    new Gauge<L>({ ...spec, labelNames: [...spec.labelNames], registers: [target] })
  );
}
