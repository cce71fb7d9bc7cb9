// The metric names the dashboards and alert/record rules query, with where each is used. Shared by
// the static check (../check-dashboards.mjs: against the prom-client definitions in the source) and
// the live one (e2e/platform/test/observability.e2e-spec.ts, through ../list-queried-metrics.mjs:
// against real /metrics scrapes).
import { join } from 'node:path';
import { dashboardQueries, loadDashboards, loadRules } from './observability-queries.mjs';
import { metricNamesInPromQL } from './promql-metrics.mjs';

/** Series Prometheus itself writes for every target and alert: no service exports them. */
export const PROMETHEUS_SERIES = Object.freeze([
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
  'ALERTS',
  'ALERTS_FOR_STATE',
]);

/**
 * Every PromQL query of the provisioned dashboards and rule files under `root/deploy`.
 * @param {string} root repository root
 * @returns {{rules: ReturnType<typeof loadRules>, dashboards: ReturnType<typeof loadDashboards>,
 *   queries: {source: string, where: string, expr: string, datasource?: string}[]}}
 */
export function observabilityQueries(root) {
  const rules = loadRules(join(root, 'deploy/prometheus/rules'));
  const dashboards = loadDashboards(join(root, 'deploy/grafana/dashboards'));
  const queries = rules.map((rule) => ({
    source: `rules/${rule.file}`,
    where: rule.record ? `record ${rule.record}` : `alert ${rule.alert}`,
    expr: rule.expr,
  }));
  for (const { file, dashboard } of dashboards) {
    for (const q of dashboardQueries(dashboard))
      queries.push({ source: `dashboards/${file}`, ...q });
  }
  return { rules, dashboards, queries };
}

/**
 * The metrics some service must export for the dashboards and rules to show data: every name
 * queried, less the series a rule records and those Prometheus writes itself.
 * @param {string} root repository root
 * @returns {Map<string, string[]>} metric series name → the files querying it (sorted)
 */
export function metricsServicesMustExport(root) {
  const { rules, queries } = observabilityQueries(root);
  const recorded = new Set(rules.filter((r) => r.record).map((r) => r.record));
  const needed = new Map();
  for (const q of queries) {
    for (const name of metricNamesInPromQL(q.expr)) {
      if (recorded.has(name) || PROMETHEUS_SERIES.includes(name)) continue;
      const sources = needed.get(name) ?? new Set();
      sources.add(q.source);
      needed.set(name, sources);
    }
  }
  return new Map([...needed].sort().map(([name, sources]) => [name, [...sources].sort()]));
}
