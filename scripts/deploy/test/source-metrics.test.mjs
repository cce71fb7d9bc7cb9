import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { exportedMetricSeries, metricDefinitionsIn } from '../lib/source-metrics.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('metricDefinitionsIn', () => {
  it('when metrics are built with prom-client classes or factories, then their names and types are found', () => {
    const text = `
      this.duration = new Histogram<'result'>({
        name: 'checkout_saga_duration_seconds',
        help: 'x',
      });
      const c = counter(registry, { name: 'resilience_retry_retries_total', help: 'y' });
      gauge(registry, { name: 'messaging_outbox_backlog', help: 'z', labelNames: ['relay'] });`;

    const found = metricDefinitionsIn(text);

    assert.deepEqual(found, [
      { name: 'checkout_saga_duration_seconds', type: 'histogram' },
      { name: 'resilience_retry_retries_total', type: 'counter' },
      { name: 'messaging_outbox_backlog', type: 'gauge' },
    ]);
  });

  it('when a name property belongs to something else than a metric, then it is not a definition', () => {
    const text = `@ApiQuery({ name: 'limit', required: false })\nconst user = { name: 'alice' };`;

    assert.deepEqual(metricDefinitionsIn(text), []);
  });
});

describe('exportedMetricSeries (this repository)', () => {
  const series = exportedMetricSeries(root);

  it('when the platform defines the HTTP histogram, then its bucket, sum and count series are known', () => {
    for (const s of ['', '_bucket', '_sum', '_count']) {
      assert.ok(series.has(`http_server_request_duration_seconds${s}`), s);
    }
  });

  it('when the platform collects default metrics, then prom-client process and nodejs metrics are known', () => {
    assert.ok(series.has('process_cpu_seconds_total'));
    assert.ok(series.has('nodejs_eventloop_lag_p99_seconds'));
  });

  it('when a name is not defined anywhere, then it is not known', () => {
    assert.equal(series.has('limit'), false);
    assert.equal(series.has('checkout_orders_total'), false);
  });

  it('when a metric is known, then it says which file defines it', () => {
    assert.match(
      series.get('service_info') ?? '',
      /^libs\/platform\/src\/metrics\/http-metrics\.ts$/,
    );
  });
});
