// Every PromQL query of the provisioned Grafana dashboards and of the Prometheus rule files, with
// where it comes from, for the checks in ../check-dashboards.mjs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * Queries of one dashboard: panel targets (rows and nested panels included) and query variables.
 * @param {object} dashboard parsed dashboard JSON
 * @returns {{where: string, expr: string, datasource?: string}[]}
 */
export function dashboardQueries(dashboard) {
  const out = [];
  const visit = (panels) => {
    for (const panel of panels ?? []) {
      for (const t of panel.targets ?? []) {
        if (typeof t.expr === 'string' && t.expr.trim()) {
          out.push({
            where: `panel "${panel.title}" (${t.refId})`,
            expr: t.expr,
            datasource: t.datasource?.uid ?? panel.datasource?.uid,
          });
        }
      }
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  for (const v of dashboard.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const expr = typeof v.query === 'string' ? v.query : v.query?.query;
    if (expr) out.push({ where: `variable $${v.name}`, expr, datasource: v.datasource?.uid });
  }
  return out;
}

/** The dashboards under `dir`: file name and parsed JSON. */
export function loadDashboards(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(dir, file), 'utf8')) }));
}

/**
 * The rules of every Prometheus rule file under `dir`.
 * @returns {{file: string, group: string, record?: string, alert?: string, expr: string, annotations: object}[]}
 */
export function loadRules(dir) {
  const rules = [];
  for (const file of readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const doc = parse(readFileSync(join(dir, file), 'utf8'));
    for (const group of doc?.groups ?? []) {
      for (const rule of group.rules ?? []) {
        rules.push({
          file,
          group: group.name,
          record: rule.record,
          alert: rule.alert,
          expr: String(rule.expr),
          annotations: rule.annotations ?? {},
        });
      }
    }
  }
  return rules;
}

/** The data source uids provisioned by Grafana's datasource files under `dir`. */
export function provisionedDatasourceUids(dir) {
  const uids = new Set();
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
    const doc = parse(readFileSync(join(dir, file), 'utf8'));
    for (const ds of doc?.datasources ?? []) if (ds.uid) uids.add(ds.uid);
  }
  return uids;
}

/** Grafana variables (and label_values()) replaced, so a query can be parsed as PromQL. */
export function withoutGrafanaVariables(expr) {
  return expr
    .replace(/^\s*label_values\(\s*(.+?)\s*,\s*[a-zA-Z_]\w*\s*\)\s*$/s, '$1')
    .replace(/\$__rate_interval|\$__interval|\$__range|\$\{__rate_interval\}/g, '1m')
    .replace(/\$\{[a-zA-Z_]\w*(?::\w+)?\}|\$[a-zA-Z_]\w*/g, '.*');
}
