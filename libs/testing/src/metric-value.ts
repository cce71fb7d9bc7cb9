/**
 * The part of a prom-client `Registry` that {@link metricValue} reads. Structural, so this
 * package needs no prom-client of its own: any registry (the service's, a test's) fits.
 */
export interface MetricsSource {
  getSingleMetric(name: string):
    | {
        get(): Promise<{
          values: ReadonlyArray<{
            labels: Partial<Record<string, string | number>>;
            value: number;
          }>;
        }>;
      }
    | undefined;
}

/**
 * Current value of a counter or gauge on `registry`: the sum over its series whose labels
 * include `labels` (all of them when none are given), 0 when the metric or the series is absent.
 * Summing makes a label the test does not name (a `reason`, a `topic`) not matter.
 */
export async function metricValue(
  registry: MetricsSource,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}
