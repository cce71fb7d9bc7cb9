import type { BreakerState, Health, ServiceName, ServiceTile } from './control-room.types';
import { type Sample, select, sum } from './prometheus-text';

/** Routes that are not business traffic: probes, scrapes (the console's own), admin, docs. */
export function isBusinessRoute(route: string): boolean {
  return !/^\/(health|metrics|admin|docs)/.test(route);
}

/** One scrape of one service. */
export interface Scrape {
  /** ms since the epoch. */
  at: number;
  samples: Sample[];
}

const BREAKER_STATES: Record<number, BreakerState> = { 0: 'closed', 1: 'half-open', 2: 'open' };

/** A counter's increase between two scrapes; a restart (counter went down) counts from zero. */
export function increase(now: number, before: number | undefined): number {
  if (before === undefined) return 0;
  return now >= before ? now - before : now;
}

/**
 * The p99 of a Prometheus histogram between two scrapes (like PromQL's
 * `histogram_quantile(0.99, increase(...))`): cumulative bucket increases summed over the
 * matching series, linear interpolation inside the bucket. Null when nothing was observed.
 */
export function quantileMs(
  q: number,
  now: readonly Sample[],
  before: readonly Sample[] | undefined,
  name: string,
  where: Parameters<typeof select>[2] = {},
): number | null {
  if (!before) return null;
  const byLe = (samples: readonly Sample[]) => {
    const m = new Map<number, number>();
    for (const s of select(samples, `${name}_bucket`, where)) {
      const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      m.set(le, (m.get(le) ?? 0) + s.value);
    }
    return m;
  };
  const a = byLe(now);
  const b = byLe(before);
  const buckets = [...a.entries()]
    .map(([le, v]) => ({ le, count: increase(v, b.get(le) ?? 0) }))
    .sort((x, y) => x.le - y.le);
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerLe = 0;
  let lowerCount = 0;
  for (const { le, count } of buckets) {
    if (count >= rank) {
      // Beyond the last finite bucket, the best estimate is that bucket's bound.
      if (le === Infinity) return lowerLe * 1000;
      const inBucket = count - lowerCount;
      const fraction = inBucket > 0 ? (rank - lowerCount) / inBucket : 1;
      return (lowerLe + (le - lowerLe) * fraction) * 1000;
    }
    lowerLe = le;
    lowerCount = count;
  }
  return lowerLe * 1000;
}

/** Builds a tile from the latest scrape, the one before it and the readiness answer. */
export function serviceTile(
  service: { name: ServiceName; tier: 1 | 2 | 3 | 4 },
  health: Health,
  now: Scrape | undefined,
  before: Scrape | undefined,
): ServiceTile {
  const empty: ServiceTile = {
    name: service.name,
    tier: service.tier,
    health,
    requestRate: 0,
    errorRatio: 0,
    p99Ms: null,
    breakers: [],
    shedRate: 0,
    rateLimited: 0,
    consumerLag: null,
    outboxBacklog: null,
  };
  if (!now) return { ...empty, error: 'metrics unavailable' };
  const s = now.samples;
  const p = before?.samples;
  const seconds = before ? Math.max((now.at - before.at) / 1000, 0.001) : 1;
  const business = { route: isBusinessRoute };
  const rate = (name: string, where: Parameters<typeof sum>[2] = {}) =>
    p ? increase(sum(s, name, where), sum(p, name, where)) / seconds : 0;
  const requests = rate('http_server_requests_total', business);
  const errors = rate('http_server_requests_total', { ...business, status_class: '5xx' });
  const lag = select(s, 'messaging_consumer_lag');
  const backlog = select(s, 'messaging_outbox_backlog');
  return {
    ...empty,
    requestRate: requests,
    errorRatio: requests > 0 ? errors / requests : 0,
    p99Ms: quantileMs(0.99, s, p, 'http_server_request_duration_seconds', business),
    breakers: select(s, 'resilience_circuit_breaker_state').map((b) => ({
      dependency: b.labels.dependency ?? 'unknown',
      state: BREAKER_STATES[b.value] ?? 'closed',
    })),
    shedRate: rate('resilience_load_shedding_shed_total'),
    rateLimited: sum(s, 'resilience_rate_limit_decisions_total', { decision: 'denied' }),
    consumerLag: lag.length > 0 ? lag.reduce((t, x) => t + x.value, 0) : null,
    outboxBacklog: backlog.length > 0 ? backlog.reduce((t, x) => t + x.value, 0) : null,
  };
}

/** Checkout goodput (2xx per second) and p99 between two scrapes of checkout. */
export function checkoutPoint(
  now: Scrape,
  before: Scrape | undefined,
): { goodput: number; p99Ms: number | null } {
  if (!before) return { goodput: 0, p99Ms: null };
  const seconds = Math.max((now.at - before.at) / 1000, 0.001);
  const where = { route: '/v1/checkout', method: 'POST' };
  const ok = { ...where, status_class: '2xx' };
  return {
    goodput:
      increase(
        sum(now.samples, 'http_server_requests_total', ok),
        sum(before.samples, 'http_server_requests_total', ok),
      ) / seconds,
    p99Ms: quantileMs(
      0.99,
      now.samples,
      before.samples,
      'http_server_request_duration_seconds',
      where,
    ),
  };
}
