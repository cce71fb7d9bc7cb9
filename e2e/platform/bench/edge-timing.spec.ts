import {
  bucketDelta,
  EdgeTiming,
  histogramQuantile,
  parseEdgeScrape,
  type Buckets,
} from './edge-timing';

/**
 * A checkout scrape: the shed series of POST /v1/checkout and of another route, its 5xx and 2xx
 * series (the sheds and the late failures together), the loop delay.
 */
function scrape(shed: number[], loopP99Seconds: number): string {
  const bounds = ['0.001', '0.0025', '0.005', '0.01', '0.025', '+Inf'];
  const series = (route: string, status: string, counts: number[]) =>
    bounds.map(
      (le, i) =>
        `http_server_request_duration_seconds_bucket{method="POST",route="${route}",status_class="${status}",le="${le}",service="checkout"} ${counts[i]}`,
    );
  const sheds = (route: string, counts: number[]) =>
    bounds.map(
      (le, i) =>
        `http_server_shed_duration_seconds_bucket{method="POST",route="${route}",le="${le}",service="checkout"} ${counts[i]}`,
    );
  return [
    '# HELP http_server_request_duration_seconds Duration of inbound HTTP requests.',
    // Seven admitted checkouts that failed late: 5xx, slower than any bucket, not sheds.
    ...series(
      '/v1/checkout',
      '5xx',
      shed.map((n, i) => (i === shed.length - 1 ? n + 7 : n)),
    ),
    ...series('/v1/checkout', '2xx', [0, 0, 0, 5, 50, 90]),
    ...sheds('/v1/checkout', shed),
    ...sheds('/v1/orders/:orderId', [1, 1, 1, 1, 1, 9]),
    `http_server_shed_duration_seconds_count{method="POST",route="/v1/checkout",service="checkout"} ${shed.at(-1)}`,
    `nodejs_eventloop_lag_p99_seconds{service="checkout"} ${loopP99Seconds}`,
  ].join('\n');
}

const buckets = (entries: [number, number][]): Buckets => new Map(entries);

describe('edge timing', () => {
  it("when checkout's metrics are scraped, then only its shed answers to POST /v1/checkout (not its other 5xx) and the loop delay are read", () => {
    const read = parseEdgeScrape(scrape([10, 40, 90, 99, 100, 100], 0.0421));

    expect([...read.shedBuckets]).toEqual([
      [0.001, 10],
      [0.0025, 40],
      [0.005, 90],
      [0.01, 99],
      [0.025, 100],
      [Infinity, 100],
    ]);
    expect(read.loopDelayP99Seconds).toBe(0.0421);
  });

  it('when the quantile falls inside a bucket, then it interpolates linearly as Prometheus does', () => {
    const b = buckets([
      [0.001, 0],
      [0.005, 100],
      [0.01, 200],
      [Infinity, 200],
    ]);

    expect(histogramQuantile(0.5, b)).toBeCloseTo(0.005);
    expect(histogramQuantile(0.25, b)).toBeCloseTo(0.003);
    expect(histogramQuantile(0.99, b)).toBeCloseTo(0.0099);
  });

  it('when the rank falls in the first bucket or in +Inf, then it interpolates from 0 or answers the highest finite bound', () => {
    expect(
      histogramQuantile(
        0.5,
        buckets([
          [0.002, 10],
          [Infinity, 10],
        ]),
      ),
    ).toBeCloseTo(0.001);
    expect(
      histogramQuantile(
        0.99,
        buckets([
          [0.005, 90],
          [0.01, 95],
          [Infinity, 100],
        ]),
      ),
    ).toBe(0.01);
  });

  it('when the buckets count nothing, then there is no quantile', () => {
    expect(histogramQuantile(0.99, new Map())).toBeNull();
    expect(
      histogramQuantile(
        0.99,
        buckets([
          [0.005, 0],
          [Infinity, 0],
        ]),
      ),
    ).toBeNull();
  });

  it('when two scrapes are compared, then the step is their bucket-by-bucket difference', () => {
    expect([
      ...bucketDelta(
        buckets([[0.005, 7]]),
        buckets([
          [0.005, 10],
          [0.01, 4],
        ]),
      ),
    ]).toEqual([
      [0.005, 3],
      [0.01, 4],
    ]);
  });

  it("when a step is read, then it gives the step's own shed p99 in ms and the loop delay of the second scrape", async () => {
    const pages = [scrape([5, 5, 5, 5, 5, 5], 0.3), scrape([105, 205, 305, 305, 305, 305], 0.0123)];
    const timing = new EdgeTiming('http://checkout/metrics', () => Promise.resolve(pages.shift()!));

    await timing.start();
    const reading = await timing.read();

    // 300 answers in the step: 100 ≤ 1 ms, 100 ≤ 2.5 ms, 100 ≤ 5 ms; rank 297 is in the last.
    expect(reading).toEqual({ shedServerP99Ms: 4.9, edgeLoopDelayP99Ms: 12.3 });
    await expect(timing.read()).rejects.toThrow(/before start/);
  });

  it('when checkout shed nothing in the step, then its p99 is null', async () => {
    const page = scrape([5, 5, 5, 5, 5, 5], 0.001);
    const timing = new EdgeTiming('http://checkout/metrics', () => Promise.resolve(page));

    await timing.start();

    expect(await timing.read()).toEqual({ shedServerP99Ms: null, edgeLoopDelayP99Ms: 1 });
  });
});
