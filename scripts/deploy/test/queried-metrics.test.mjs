import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { metricsServicesMustExport } from '../lib/queried-metrics.mjs';

describe('metricsServicesMustExport', () => {
  const root = mkdtempSync(join(tmpdir(), 'rc-queried-metrics-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('when dashboards and rules query metrics, recorded series and Prometheus series, then only the metrics a service must export are listed, with their files', () => {
    mkdirSync(join(root, 'deploy/grafana/dashboards'), { recursive: true });
    mkdirSync(join(root, 'deploy/prometheus/rules'), { recursive: true });
    const panel = (expr) => ({ title: 'P', targets: [{ refId: 'A', expr }] });
    writeFileSync(
      join(root, 'deploy/grafana/dashboards/a.json'),
      JSON.stringify({
        panels: [panel('sum(rate(x_total[5m])) / job:x:rate5m'), panel('up{job="a"}')],
      }),
    );
    writeFileSync(
      join(root, 'deploy/prometheus/rules/r.yml'),
      [
        'groups:',
        '  - name: g',
        '    rules:',
        '      - record: job:x:rate5m',
        '        expr: sum(rate(x_total[5m]))',
        '      - alert: Lagging',
        '        expr: max(lag_seconds) > 1 and on() ALERTS{alertname="Other"}',
      ].join('\n'),
    );

    const needed = metricsServicesMustExport(root);

    assert.deepEqual(Object.fromEntries(needed), {
      lag_seconds: ['rules/r.yml'],
      x_total: ['dashboards/a.json', 'rules/r.yml'],
    });
  });
});
