import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metricNamesInPromQL } from '../lib/promql-metrics.mjs';

describe('metricNamesInPromQL', () => {
  it('when a histogram quantile groups by labels, then only the bucket series is a metric', () => {
    const expr =
      'histogram_quantile(0.99, sum by (service, le) (rate(http_server_request_duration_seconds_bucket{service=~"$service",route!~"/metrics|/health/.*"}[$__rate_interval])))';

    const names = metricNamesInPromQL(expr);

    assert.deepEqual(names, ['http_server_request_duration_seconds_bucket']);
  });

  it('when an expression combines recording rules, numbers and set operators, then each metric is listed once', () => {
    const expr = `(
      checkout:slo_availability_errors:ratio_rate1h > (14.4 * 0.001)
      and checkout:slo_availability_errors:ratio_rate5m > (14.4 * 0.001)
    ) or (
      checkout:slo_availability_errors:ratio_rate1h > 6e-3 unless on(service) group_left(version) service_info
    )`;

    const names = metricNamesInPromQL(expr);

    assert.deepEqual(names, [
      'checkout:slo_availability_errors:ratio_rate1h',
      'checkout:slo_availability_errors:ratio_rate5m',
      'service_info',
    ]);
  });

  it('when a selector is compared with an offset and a vector literal, then keywords and functions are not metrics', () => {
    const expr =
      '(sum(rate(a_total{x="y"}[5m])) or vector(0)) / sum(rate(b_total[5m])) > bool 0 and a_total offset 15m';

    assert.deepEqual(metricNamesInPromQL(expr), ['a_total', 'b_total']);
  });

  it('when the grouping clause follows the aggregation, then its labels are not metrics', () => {
    assert.deepEqual(metricNamesInPromQL('sum(rate(x_total[1m])) by (service, tier)'), ['x_total']);
  });

  it('when label values look like metric names, then they are ignored', () => {
    assert.deepEqual(metricNamesInPromQL('up{job="services_total",instance=~"checkout.*"} == 0'), [
      'up',
    ]);
  });

  it('when a Grafana variable query uses label_values, then its metric is returned and a bare label is not', () => {
    assert.deepEqual(metricNamesInPromQL('label_values(service_info{tier=~"$tier"}, service)'), [
      'service_info',
    ]);
    assert.deepEqual(metricNamesInPromQL('label_values(tier)'), []);
  });

  it('when a metric name is misspelt, then the misspelt name is what is returned', () => {
    assert.deepEqual(metricNamesInPromQL('max by (relay) (messaging_outbox_backlogg)'), [
      'messaging_outbox_backlogg',
    ]);
  });
});
