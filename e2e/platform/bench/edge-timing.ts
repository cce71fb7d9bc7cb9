import { parsePrometheusText } from '../test/support/prometheus-text';

/**
 * What checkout itself saw of an overload step, read off its `/metrics` before and after the
 * step. The generator measures a shed answer from the request's scheduled send time to the
 * answer; on one machine that time has three parts, and these figures separate them:
 *
 * - the generator's own delay (its send lag: `generatorLagP99Ms` of the step);
 * - checkout's own handling, from Fastify's first sight of the request to the answer
 *   (`shedServerP99Ms`, from checkout's `http_server_shed_duration_seconds`: the load
 *   shedder's answers alone, not the other 5xx of the route);
 * - the wait between: a request that has arrived waits for checkout's event loop to finish what
 *   it is doing (`edgeLoopDelayP99Ms`, its event-loop delay over the step) and for a core.
 */
export interface EdgeReading {
  /**
   * p99 of checkout's own time for its shed answers to `POST /v1/checkout` during the step, ms
   * (Prometheus' `histogram_quantile` method over the step's bucket deltas; null when none). The
   * sheds alone: an admitted checkout that failed late (a dependency past its deadline) is a 5xx
   * too, and counting those read 129–336 ms at 3× capacity where the sheds took ~5 ms.
   */
  shedServerP99Ms: number | null;
  /** p99 of checkout's event-loop delay over the step, ms (null when it was not sampled). */
  edgeLoopDelayP99Ms: number | null;
}

/** Cumulative bucket counts of one histogram series, by upper bound (seconds; `+Inf` last). */
export type Buckets = Map<number, number>;

/** What {@link EdgeTiming} reads from one scrape of checkout's metrics. */
export interface EdgeScrape {
  /** Checkout's shed answers to `POST /v1/checkout`, by duration bucket. */
  shedBuckets: Buckets;
  /** `nodejs_eventloop_lag_p99_seconds` (since the scrape before: reading resets it). */
  loopDelayP99Seconds: number | null;
}

/** The figures {@link EdgeScrape} names, from a Prometheus text exposition. */
export function parseEdgeScrape(text: string): EdgeScrape {
  const shedBuckets: Buckets = new Map();
  let loopDelayP99Seconds: number | null = null;
  for (const { name, labels, value } of parsePrometheusText(text).samples) {
    if (
      name === 'http_server_shed_duration_seconds_bucket' &&
      labels.method === 'POST' &&
      labels.route === '/v1/checkout'
    )
      shedBuckets.set(labels.le === '+Inf' ? Infinity : Number(labels.le), value);
    else if (name === 'nodejs_eventloop_lag_p99_seconds') loopDelayP99Seconds = value;
  }
  return { shedBuckets, loopDelayP99Seconds };
}

/** `after − before`, bucket by bucket (a bucket missing before counts from 0). */
export function bucketDelta(before: Buckets, after: Buckets): Buckets {
  const delta: Buckets = new Map();
  for (const [le, count] of after) delta.set(le, count - (before.get(le) ?? 0));
  return delta;
}

/**
 * The `q` quantile of cumulative buckets the way Prometheus' `histogram_quantile` computes it:
 * linear interpolation inside the bucket the rank falls in (from 0 for the first bucket); the
 * highest finite bound when it falls in `+Inf`. Null when the buckets count nothing. (The
 * console's `quantileMs` does the same over its own scrapes; a service and the bench share no
 * code but the libs.)
 */
export function histogramQuantile(q: number, buckets: Buckets): number | null {
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (le === Infinity) return lowerBound;
      const inBucket = count - lowerCount;
      return inBucket > 0 ? lowerBound + ((le - lowerBound) * (rank - lowerCount)) / inBucket : le;
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}

/**
 * Reads {@link EdgeReading} around one step: `start()` right before the load (the scrape also
 * resets checkout's event-loop delay histogram), `read()` once the step has settled. Nothing else
 * may scrape checkout in between (the bench's platform has no Prometheus).
 */
export class EdgeTiming {
  private before: EdgeScrape | undefined;

  constructor(
    private readonly metricsUrl: string,
    private readonly fetchText: (url: string) => Promise<string> = async (url) =>
      (await fetch(url, { signal: AbortSignal.timeout(10_000) })).text(),
  ) {}

  async start(): Promise<void> {
    this.before = parseEdgeScrape(await this.fetchText(this.metricsUrl));
  }

  async read(): Promise<EdgeReading> {
    if (!this.before) throw new Error('EdgeTiming.read() before start()');
    const after = parseEdgeScrape(await this.fetchText(this.metricsUrl));
    const p99 = histogramQuantile(0.99, bucketDelta(this.before.shedBuckets, after.shedBuckets));
    this.before = undefined;
    return {
      shedServerP99Ms: p99 === null ? null : Math.round(p99 * 10_000) / 10,
      edgeLoopDelayP99Ms:
        after.loopDelayP99Seconds === null
          ? null
          : Math.round(after.loopDelayP99Seconds * 10_000) / 10,
    };
  }
}
