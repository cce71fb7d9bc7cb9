import { GOODPUT_QUERY, PrometheusHistory } from '../src/infrastructure/prometheus-history';
import { StubPlatform } from './support/stub-platform';

// The history source against a stub of Prometheus' HTTP API (query_range), over real HTTP.
describe('PrometheusHistory', () => {
  const prometheus = new StubPlatform();
  beforeAll(() => prometheus.start());
  afterAll(() => prometheus.stop());

  it('when Prometheus answers both ranges, then each step becomes a point with goodput and p99 (NaN p99 without traffic)', async () => {
    prometheus.route('GET', '/api/v1/query_range', (req) => {
      const query = new URL(req.url, 'http://x').searchParams.get('query');
      const values =
        query === GOODPUT_QUERY
          ? [
              [100, '4.5'],
              [105, '0'],
            ]
          : [
              [100, '120.5'],
              [105, 'NaN'],
            ];
      return { status: 200, body: { status: 'success', data: { result: [{ values }] } } };
    });

    const points = await new PrometheusHistory(prometheus.url).checkoutTimeline(100, 105);

    expect(points).toEqual([
      { t: 100, goodput: 4.5, p99Ms: 120.5 },
      { t: 105, goodput: 0, p99Ms: null },
    ]);
    const asked = new URL(prometheus.requests[0]!.url, 'http://x').searchParams;
    expect(asked.get('start')).toBe('100');
    expect(asked.get('step')).toBe('5');
  });

  it('when Prometheus fails or is not there, then there is no history and no error', async () => {
    prometheus.route('GET', '/api/v1/query_range', { status: 503, body: { status: 'error' } });

    expect(await new PrometheusHistory(prometheus.url).checkoutTimeline(0, 10)).toEqual([]);
    expect(await new PrometheusHistory('http://127.0.0.1:9', 500).checkoutTimeline(0, 10)).toEqual(
      [],
    );
  });
});
