import type { Outcome } from './open-loop-load';

/** Figures of the load over a window (see {@link windowStats}). */
export interface LoadStats {
  requests: number;
  offered_rps: number;
  goodput_rps: number;
  success_ratio: number;
  goodput_ratio: number;
  error_ratio: number;
  shed_ratio: number;
  /** Share of the requests that failed without a clean answer (see {@link isUnclean}). */
  unclean_error_ratio: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

/** One second of the timeline. */
export interface LoadSecond {
  /** Seconds since the load started. */
  t: number;
  offered: number;
  ok: number;
  /** Successes within the SLO. */
  good: number;
  errors: number;
  shed: number;
  p50: number;
  p99: number;
}

const isOk = (o: Outcome) => o.status.startsWith('2');
const isShed = (o: Outcome) =>
  o.status === '503 RESILIENCE.LOAD_SHED' || o.status.startsWith('429');
const isPending = (o: Outcome) => o.status === 'pending';
/**
 * A failure that is not a clean refusal: no answer in the load's timeout, a dropped connection,
 * or an HTTP error without a problem+json body carrying a code (the status stands alone). A
 * request still pending is not counted here (the latency figures count it).
 */
const isUnclean = (o: Outcome) =>
  o.status === 'timeout' || o.status === 'network-error' || /^[3-5]\d\d$/.test(o.status);

/** The q-quantile (0..1) of `values` by the nearest-rank method; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Figures of the requests due in [fromMs, toMs): a request still pending past the SLO counts as
 * not succeeded, with its latency so far (a lower bound) — so a window judged while checkouts
 * hang shows them; one pending for less than the SLO is not counted yet. Ratios are of all requests due; shed = 503 LOAD_SHED or 429; errors = neither
 * success nor shed. Goodput = successes within `sloMs`, per second of the window.
 */
export function windowStats(
  outcomes: readonly Outcome[],
  fromMs: number,
  toMs: number,
  sloMs: number,
  nowMs: number,
): LoadStats {
  // A request still pending within its SLO cannot be judged yet: it is left out. One pending
  // past the SLO has missed its objective whatever comes: it counts, as not succeeded.
  const due = outcomes.filter(
    (o) => o.at >= fromMs && o.at < toMs && !(isPending(o) && nowMs - o.at < sloMs),
  );
  const n = due.length;
  const seconds = Math.max(0.001, (toMs - fromMs) / 1000);
  const latency = due.map((o) => (isPending(o) ? nowMs - o.at : o.ms));
  const ok = due.filter(isOk);
  const good = ok.filter((o) => o.ms <= sloMs).length;
  const shed = due.filter(isShed).length;
  const ratio = (k: number) => (n === 0 ? Number.NaN : k / n);
  return {
    requests: n,
    offered_rps: n / seconds,
    goodput_rps: good / seconds,
    success_ratio: ratio(ok.length),
    goodput_ratio: ratio(good),
    error_ratio: ratio(n - ok.length - shed),
    shed_ratio: ratio(shed),
    unclean_error_ratio: ratio(due.filter(isUnclean).length),
    p50_ms: quantile(latency, 0.5),
    p99_ms: quantile(latency, 0.99),
    max_ms: latency.length ? Math.max(...latency) : Number.NaN,
  };
}

/** Per-second buckets of the requests due, for the report's timelines. */
export function timeline(outcomes: readonly Outcome[], sloMs: number, nowMs: number): LoadSecond[] {
  const buckets: Outcome[][] = [];
  for (const o of outcomes) (buckets[Math.floor(o.at / 1000)] ??= []).push(o);
  return Array.from(buckets, (bucket = [], t) => {
    const latency = bucket.map((o) => (isPending(o) ? nowMs - o.at : o.ms));
    const ok = bucket.filter(isOk);
    const shed = bucket.filter(isShed).length;
    return {
      t,
      offered: bucket.length,
      ok: ok.length,
      good: ok.filter((o) => o.ms <= sloMs).length,
      errors: bucket.length - ok.length - shed,
      shed,
      p50: quantile(latency, 0.5),
      p99: quantile(latency, 0.99),
    };
  });
}

/** Counts of outcomes by status (for the journal). */
export function statusCounts(
  outcomes: readonly Outcome[],
  fromMs = 0,
  toMs = Infinity,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes)
    if (o.at >= fromMs && o.at < toMs) counts[o.status] = (counts[o.status] ?? 0) + 1;
  return counts;
}
