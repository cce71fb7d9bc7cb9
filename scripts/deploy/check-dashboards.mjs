#!/usr/bin/env node
// Every metric the Grafana dashboards (deploy/grafana/dashboards/*.json) and the Prometheus rules
// (deploy/prometheus/rules/*.yml) query must be one the platform's code really exports: a
// prom-client definition in libs/*/src or services/*/src (with _bucket/_sum/_count for
// histograms), a prom-client default metric when collectDefaultMetrics() is called, a series
// recorded by a rule, or one Prometheus writes itself (up, scrape_*, ALERTS).
// Also: dashboard uids unique, data sources provisioned, the dashboards the alerts link to exist,
// and (when promtool is installed) every dashboard query parses as PromQL.
// The live counterpart, against real /metrics scrapes: e2e/platform/test/observability.e2e-spec.ts.
// Usage: node scripts/deploy/check-dashboards.mjs   (exit code 1 on any problem)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import {
  dashboardQueries,
  provisionedDatasourceUids,
  withoutGrafanaVariables,
} from './lib/observability-queries.mjs';
import { metricNamesInPromQL } from './lib/promql-metrics.mjs';
import { observabilityQueries, PROMETHEUS_SERIES } from './lib/queried-metrics.mjs';
import { exportedMetricSeries } from './lib/source-metrics.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const problems = [];
const exported = exportedMetricSeries(root);
const { rules, dashboards, queries } = observabilityQueries(root);
const recorded = new Set(rules.filter((r) => r.record).map((r) => r.record));
const known = (name) =>
  exported.has(name) || recorded.has(name) || PROMETHEUS_SERIES.includes(name);

// 1. Metric names, in rules and dashboards.
const used = new Map();
for (const q of queries) {
  const names = metricNamesInPromQL(q.expr);
  if (names.length === 0 && !/vector\(|time\(/.test(q.expr)) {
    problems.push(`${q.source}: ${q.where} selects no metric: ${q.expr}`);
  }
  for (const name of names) {
    used.set(name, (used.get(name) ?? 0) + 1);
    if (!known(name)) {
      problems.push(
        `${q.source}: ${q.where} uses "${name}", which no code in libs/ or services/ exports and no rule records`,
      );
    }
  }
}

// 2. Dashboards: unique uids, provisioned data sources.
const datasources = provisionedDatasourceUids(
  join(root, 'deploy/grafana/provisioning/datasources'),
);
const uids = new Map();
for (const { file, dashboard } of dashboards) {
  if (!dashboard.uid) problems.push(`dashboards/${file}: no uid`);
  else if (uids.has(dashboard.uid)) {
    problems.push(
      `dashboards/${file}: uid "${dashboard.uid}" also used by ${uids.get(dashboard.uid)}`,
    );
  } else uids.set(dashboard.uid, file);
  for (const q of dashboardQueries(dashboard)) {
    if (q.datasource && !q.datasource.startsWith('$') && !datasources.has(q.datasource)) {
      problems.push(
        `dashboards/${file}: ${q.where} uses data source "${q.datasource}", not provisioned`,
      );
    }
  }
}

// 3. Alerts linking to a dashboard link to one that exists.
for (const rule of rules.filter((r) => r.annotations.dashboard)) {
  const uid = /\/d\/([^/?#]+)/.exec(rule.annotations.dashboard)?.[1];
  if (!uid || !uids.has(uid)) {
    problems.push(
      `rules/${rule.file}: alert ${rule.alert} links to unknown dashboard ${rule.annotations.dashboard}`,
    );
  }
}

// 4. Dashboard queries parse as PromQL (promtool; the rules are parsed by check-prometheus.sh).
const promtool = process.env.PROMTOOL ?? 'promtool';
if (spawnSync(promtool, ['--version']).status === 0) {
  const dir = mkdtempSync(join(tmpdir(), 'rc-dashboards-'));
  const checked = queries.filter((q) => q.source.startsWith('dashboards/'));
  const file = join(dir, 'dashboard-queries.yml');
  writeFileSync(
    file,
    stringify({
      groups: [
        {
          name: 'dashboard-queries',
          rules: checked.map((q, i) => ({
            record: `dashboard_query_${i}`,
            expr: withoutGrafanaVariables(q.expr),
          })),
        },
      ],
    }),
  );
  const result = spawnSync(promtool, ['check', 'rules', file], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  if (result.status !== 0) {
    const detail = `${result.stdout}\n${result.stderr}`.replace(
      /dashboard_query_(\d+)/g,
      (_, i) => {
        const q = checked[Number(i)];
        return `${q.source} ${q.where}`;
      },
    );
    problems.push(`dashboard queries do not parse as PromQL:\n${detail.trim()}`);
  }
} else {
  console.log(
    'check-dashboards: promtool not found: dashboard queries not parsed (names still checked)',
  );
}

if (problems.length > 0) {
  console.error(`check-dashboards: FAILED (${problems.length} problems)`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(
  `check-dashboards: ok — ${queries.length} queries in ${dashboards.length} dashboards and ${rules.length} rules use ${used.size} metrics, all exported by the code (${exported.size} series known) or recorded by a rule`,
);
