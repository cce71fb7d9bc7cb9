import type { TimelinePoint } from '../domain/control-room.types';

/** Checkout's goodput: confirmed checkouts per second over the last minute, at each step. */
export const GOODPUT_QUERY =
  'sum(rate(http_server_requests_total{service="checkout",method="POST",route="/v1/checkout",status_class="2xx"}[1m]))';

/** Checkout's p99 in ms over the last minute, at each step. */
export const P99_QUERY =
  '1000 * histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket{service="checkout",method="POST",route="/v1/checkout"}[1m])))';

interface RangeAnswer {
  status?: string;
  data?: { result?: { values?: [number, string][] }[] };
}

/**
 * The checkout timeline's past, from Prometheus when there is one (Compose's `observability`
 * profile): a control room opened now shows the last minutes at once instead of starting empty.
 * Live points still come from the console's own scrapes. Any failure gives no history.
 */
export class PrometheusHistory {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 2_000,
  ) {}

  /** Points between `fromSeconds` and `toSeconds` (Unix time), one per `stepSeconds`. */
  async checkoutTimeline(
    fromSeconds: number,
    toSeconds: number,
    stepSeconds = 5,
  ): Promise<TimelinePoint[]> {
    try {
      const goodput = await this.range(GOODPUT_QUERY, fromSeconds, toSeconds, stepSeconds);
      const p99 = await this.range(P99_QUERY, fromSeconds, toSeconds, stepSeconds);
      return [...goodput.entries()]
        .sort(([a], [b]) => a - b)
        .map(([t, g]) => {
          const ms = p99.get(t);
          return { t, goodput: g, p99Ms: ms === undefined || !Number.isFinite(ms) ? null : ms };
        });
    } catch {
      return [];
    }
  }

  private async range(query: string, from: number, to: number, step: number) {
    const url = new URL('/api/v1/query_range', this.baseUrl);
    url.search = new URLSearchParams({
      query,
      start: String(Math.floor(from)),
      end: String(Math.floor(to)),
      step: String(step),
    }).toString();
    const res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    const body = (await res.json()) as RangeAnswer;
    if (!res.ok || body.status !== 'success') throw new Error(`prometheus answered ${res.status}`);
    const series = new Map<number, number>();
    for (const [t, v] of body.data?.result?.[0]?.values ?? []) series.set(t, Number(v));
    return series;
  }
}
