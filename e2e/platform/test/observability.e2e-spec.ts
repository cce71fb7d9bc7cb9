import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { driveRepresentativeTraffic } from './support/observability-traffic';
import { E2EPlatform, ROOT, START_TIMEOUT_MS } from './support/platform';
import { parsePrometheusText, seriesOf, type Scrape } from './support/prometheus-text';

const SERVICES = [
  'checkout',
  'cart',
  'payment',
  'inventory',
  'recommendations',
  'analytics',
] as const;
type Service = (typeof SERVICES)[number];

/** The HTTP golden signals (latency, traffic, errors by status class) of every service. */
const HTTP_HISTOGRAM = 'http_server_request_duration_seconds';
/** Event-loop delay from prom-client's default metrics (the dashboards chart the p99). */
const EVENT_LOOP = ['nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds'];
/** A Postgres pool's use and its waiting callers (the services owning a database). */
const PG_POOL = {
  db_client_connections: { label: 'state', values: ['idle', 'used'] },
  db_client_connections_pending_requests: { label: 'pool', values: ['postgres'] },
};
/** Saturation gauges per service: each one's pools, limiters and queues (label: what it is). */
const SATURATION: Record<Service, Record<string, { label: string; values: string[] }>> = {
  checkout: {
    resilience_load_shedding_inflight: { label: 'limiter', values: ['checkout'] },
    resilience_bulkhead_in_flight: {
      label: 'dependency',
      values: ['inventory', 'payment', 'cart', 'recommendations'],
    },
    messaging_outbox_backlog: { label: 'relay', values: ['checkout'] },
    ...PG_POOL,
  },
  payment: {
    resilience_load_shedding_inflight: { label: 'limiter', values: ['payment'] },
    resilience_bulkhead_in_flight: { label: 'dependency', values: ['provider'] },
    messaging_outbox_backlog: { label: 'relay', values: ['payment'] },
    ...PG_POOL,
  },
  inventory: {
    resilience_load_shedding_inflight: { label: 'limiter', values: ['inventory'] },
    messaging_outbox_backlog: { label: 'relay', values: ['inventory'] },
    ...PG_POOL,
    messaging_consumer_lag: { label: 'group', values: ['inventory'] },
  },
  cart: {
    resilience_load_shedding_inflight: { label: 'limiter', values: ['cart'] },
    cart_events_buffered: { label: 'service', values: ['cart'] },
  },
  recommendations: {
    resilience_load_shedding_inflight: { label: 'limiter', values: ['recommendations'] },
    messaging_consumer_lag: { label: 'group', values: ['recommendations'] },
  },
  analytics: {
    resilience_load_shedding_inflight: { label: 'limiter', values: ['analytics'] },
    messaging_consumer_lag: { label: 'group', values: ['analytics'] },
    ...PG_POOL,
  },
};
/** Most label sets one metric may have in one service (histogram buckets not counted). */
const MAX_SERIES_PER_METRIC = 50;

/**
 * Metric → the dashboard and rule files querying it, less rule-recorded and Prometheus' own
 * series: the static checker's own parsing (scripts/deploy/lib), run as a script since the
 * module boundaries keep the e2e project from importing files outside the workspace projects.
 */
function metricsServicesMustExport(): Map<string, string[]> {
  const script = join(ROOT, 'scripts/deploy/list-queried-metrics.mjs');
  const json = execFileSync(process.execPath, [script], { encoding: 'utf8' });
  return new Map(Object.entries(JSON.parse(json) as Record<string, string[]>));
}

/**
 * A route label is a template (`/v1/orders/:orderId`) or `unmatched`, never a concrete path:
 * literal segments are words (or a version, `v1`); a segment with digits in it is an id.
 */
const ROUTE_TEMPLATE = /^(?:unmatched|(?:\/(?:v[0-9]+|[a-z]+(?:-[a-z]+)*|:[a-zA-Z]+))+)$/;

// Issue 5: with the platform running, every metric the dashboards and alerts query is exported,
// every service exports its golden signals, and no label grows with ids. The static check
// (scripts/deploy/check-dashboards.mjs) reads prom-client definitions; this one reads real
// scrapes after real traffic, so a metric defined but never registered or observed fails here.
describe('observability: the live /metrics of every service', () => {
  // The traffic's eleven failing recommendations calls must each reach the dependency (its
  // breaker needs ten calls to open), so checkout keeps no recommendations here.
  const e2e = new E2EPlatform(3170, { checkout: { RECOMMENDATIONS_TTL_MS: '0' } });
  const scrapes = new Map<Service, Scrape>();
  let trafficIds: string[] = [];

  beforeAll(async () => {
    await e2e.start();
    trafficIds = (await driveRepresentativeTraffic(e2e)).ids;
    for (const name of SERVICES) {
      const res = await fetch(e2e.url(name, '/metrics'));
      scrapes.set(name, parsePrometheusText(await res.text()));
    }
  }, START_TIMEOUT_MS + 30_000);
  afterAll(() => e2e.stop(), 60_000);

  const scrape = (service: Service) => scrapes.get(service)!;
  const exporters = (metric: string) =>
    SERVICES.filter((s) => scrape(s).samples.some((x) => x.name === metric));

  it('when the platform served traffic, then every metric a dashboard or rule queries is in some live scrape', () => {
    const needed = metricsServicesMustExport();

    const missing = [...needed.keys()].filter((metric) => exporters(metric).length === 0);

    if (missing.length > 0) {
      const rows = [...needed].map(
        ([metric, files]) =>
          `${metric.padEnd(50)} ${exporters(metric).join(',') || `MISSING (${files.join(', ')})`}`,
      );
      console.log(`metric${' '.repeat(45)}services exporting it\n${rows.join('\n')}`);
    }
    expect(needed.size).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });

  it.each(SERVICES)(
    'when %s has served requests, then it exports the HTTP duration histogram by route and status class, and event-loop delay',
    (service) => {
      const http = seriesOf(scrape(service), `${HTTP_HISTOGRAM}_bucket`);
      const names = new Set(scrape(service).samples.map((s) => s.name));

      expect(scrape(service).types.get(HTTP_HISTOGRAM)).toBe('histogram');
      expect(http.length).toBeGreaterThan(0);
      for (const labels of http) {
        expect(Object.keys(labels).sort()).toEqual(['method', 'route', 'service', 'status_class']);
        expect(labels.service).toBe(service);
      }
      // Traffic beyond the readiness probe reached every service: a /v1 route was counted.
      expect(http.some((l) => l.route!.startsWith('/v1/') && l.status_class === '2xx')).toBe(true);
      for (const metric of EVENT_LOOP) expect(names).toContain(metric);
    },
  );

  it.each(SERVICES)(
    'when %s is running, then it exports the saturation gauges of its limiter, pools and queues',
    (service) => {
      for (const [metric, { label, values }] of Object.entries(SATURATION[service])) {
        const found = seriesOf(scrape(service), metric).map((l) => l[label]);

        expect(scrape(service).types.get(metric)).toBe('gauge');
        expect({ metric, found: found.sort() }).toEqual({
          metric,
          found: expect.arrayContaining(values),
        });
      }
    },
  );

  it('when requests carried ids in their paths, then the HTTP labels are route templates and status classes', () => {
    const labels = SERVICES.flatMap((s) => seriesOf(scrape(s), `${HTTP_HISTOGRAM}_bucket`));

    const badRoutes = labels.map((l) => l.route!).filter((r) => !ROUTE_TEMPLATE.test(r));
    const badClasses = labels.map((l) => l.status_class!).filter((c) => !/^[1-5]xx$/.test(c));

    expect(badRoutes).toEqual([]);
    expect(badClasses).toEqual([]);
    // The reads by id are counted under their templates (ids from the traffic above).
    const routes = new Set(labels.map((l) => l.route));
    for (const template of ['/v1/orders/:orderId', '/v1/carts/:cartId', '/v1/payments/:paymentId'])
      expect(routes).toContain(template);
    expect(routes).toContain('unmatched');
  });

  it('when the traffic used order, cart, payment and customer ids and keys, then no label value of any metric contains one, and no metric has an unbounded number of series', () => {
    const leaks: string[] = [];
    const tooMany: string[] = [];
    for (const service of SERVICES) {
      const { samples } = scrape(service);
      for (const s of samples) {
        for (const [label, value] of Object.entries(s.labels)) {
          if (trafficIds.some((id) => value.includes(id)))
            leaks.push(`${service} ${s.name}{${label}="${value}"}`);
        }
      }
      for (const metric of new Set(samples.map((s) => s.name))) {
        const count = seriesOf(scrape(service), metric).length;
        if (count > MAX_SERIES_PER_METRIC) tooMany.push(`${service} ${metric}: ${count} series`);
      }
    }

    expect(trafficIds.length).toBeGreaterThan(20);
    expect(leaks).toEqual([]);
    expect(tooMany).toEqual([]);
  });
});
