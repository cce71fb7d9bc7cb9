import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dashboardQueries, withoutGrafanaVariables } from '../lib/observability-queries.mjs';

describe('dashboardQueries', () => {
  it('when panels are nested in collapsed rows and variables query Prometheus, then every query is found', () => {
    const dashboard = {
      panels: [
        { title: 'A', datasource: { uid: 'prometheus' }, targets: [{ refId: 'A', expr: 'up' }] },
        {
          type: 'row',
          title: 'R',
          panels: [
            { title: 'B', targets: [{ refId: 'A', expr: 'x_total', datasource: { uid: 'p2' } }] },
          ],
        },
        { title: 'Text', type: 'text' },
      ],
      templating: {
        list: [
          { name: 'tier', type: 'query', query: { query: 'label_values(service_info, tier)' } },
          { name: 'range', type: 'interval', query: '1m,5m' },
        ],
      },
    };

    const queries = dashboardQueries(dashboard);

    assert.deepEqual(queries, [
      { where: 'panel "A" (A)', expr: 'up', datasource: 'prometheus' },
      { where: 'panel "B" (A)', expr: 'x_total', datasource: 'p2' },
      { where: 'variable $tier', expr: 'label_values(service_info, tier)', datasource: undefined },
    ]);
  });
});

describe('withoutGrafanaVariables', () => {
  it('when a query uses Grafana variables, then they become values PromQL can parse', () => {
    assert.equal(
      withoutGrafanaVariables('sum(rate(x{tier=~"$tier",s="${service}"}[$__rate_interval]))'),
      'sum(rate(x{tier=~".*",s=".*"}[1m]))',
    );
  });

  it('when a variable query uses label_values, then its selector is what is parsed', () => {
    assert.equal(
      withoutGrafanaVariables('label_values(service_info{tier=~"$tier"}, service)'),
      'service_info{tier=~".*"}',
    );
  });
});
