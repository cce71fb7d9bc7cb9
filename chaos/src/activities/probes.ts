import { statusCounts, windowStats } from '../load/load-stats';
import type { ArgumentsOf, CATALOGUE, HarnessFunc, MetricSelector } from './catalogue';
import { aggregate, select, type Sample } from './prometheus';
import { type RunContext, scrapeService } from './run-context';
import { throttleStats } from './cpu-throttle';
import { checkInvariants } from './invariants';

type ProbeName = {
  [F in HarnessFunc]: (typeof CATALOGUE)[F]['kind'] extends 'probe' ? F : never;
}[HarnessFunc];

/** An implementation of every probe of the catalogue. */
export type Probes = {
  [F in ProbeName]: (ctx: RunContext, args: ArgumentsOf<F>) => Promise<unknown>;
};

function valueOf(scrapes: readonly Sample[][], sel: MetricSelector): number {
  const values = scrapes.flatMap((s) => select(s, sel.name, sel.labels).map((x) => x.value));
  return aggregate(values, sel.aggregate);
}

async function metricValue(ctx: RunContext, sel: MetricSelector): Promise<number> {
  const now = valueOf(await scrapeService(ctx.platform, sel.service), sel);
  if (!sel.increase_since) return now;
  const then = valueOf(ctx.phases.snapshot(sel.increase_since, sel.service), sel);
  return now - (Number.isNaN(then) ? 0 : then);
}

/** Scrapes per run and service, reused for 2 s: the probes of one judgement read one scrape. */
type CachedScrape = { at: number; scrapes: Promise<Sample[][]> };
const scrapeCache = new WeakMap<RunContext, Map<string, CachedScrape>>();

function freshScrape(ctx: RunContext, service: MetricSelector['service']): Promise<Sample[][]> {
  let cache = scrapeCache.get(ctx);
  if (!cache) scrapeCache.set(ctx, (cache = new Map<string, CachedScrape>()));
  const hit = cache.get(service);
  if (hit && performance.now() - hit.at < 2_000) return hit.scrapes;
  // An overloaded low-priority process may answer its /metrics slowly: give it time.
  // Reused while it runs too (`at` is set when it answers).
  const entry = { at: Infinity, scrapes: scrapeService(ctx.platform, service, 8_000) };
  void entry.scrapes.then(() => (entry.at = performance.now()));
  cache.set(service, entry);
  return entry.scrapes;
}

type ShedSelection = ArgumentsOf<'shed_ratio'>['minus'] & object;

/**
 * Shed share of each service since `since` (sheds / (sheds + admissions) on its /metrics),
 * aggregated over the selection; every service's counts go to the notes. A service whose
 * /metrics does not answer makes the figure NaN (it never passes).
 */
async function shedRatio(
  ctx: RunContext,
  sel: ShedSelection,
  since: ArgumentsOf<'shed_ratio'>['since'],
): Promise<number> {
  const counts = await Promise.all(
    sel.services.map(async (service) => {
      const scrapes = await freshScrape(ctx, service);
      const increase = (name: string) => {
        const sel = { service, name, labels: {}, aggregate: 'sum' as const };
        const then = valueOf(ctx.phases.snapshot(since, service), sel);
        return valueOf(scrapes, sel) - (Number.isNaN(then) ? 0 : then);
      };
      if (scrapes.length === 0) return { service, shed: NaN, admitted: NaN, ratio: NaN };
      const shed = increase('resilience_load_shedding_shed_total');
      const admitted = increase('resilience_load_shedding_admitted_total');
      return { service, shed, admitted, ratio: shed + admitted > 0 ? shed / (shed + admitted) : 0 };
    }),
  );
  const notes = (ctx.notes.shed ??= {}) as Record<string, unknown>;
  for (const c of counts) notes[c.service] = { since, ...c };
  if (sel.aggregate === 'pooled') {
    const shed = counts.reduce((a, c) => a + c.shed, 0);
    const all = counts.reduce((a, c) => a + c.shed + c.admitted, 0);
    return all > 0 ? shed / all : Number.isNaN(all) ? NaN : 0;
  }
  const ratios = counts.map((c) => c.ratio);
  return ratios.some(Number.isNaN) ? NaN : aggregate(ratios, sel.aggregate);
}

/** A load window on the load's clock: a phase, or the last `seconds` (5 by default). */
function loadWindow(ctx: RunContext, args: Pick<ArgumentsOf<'load_stats'>, 'window' | 'seconds'>) {
  const now = ctx.load.now();
  const { from, to } =
    args.window === 'last'
      ? { from: now - (args.seconds ?? 5) * 1000, to: now }
      : ctx.phases.window(args.window);
  return { now, from, to };
}

/** The probes of the catalogue (see catalogue.ts for each one's arguments). */
export const probes = {
  load_stats: async (ctx: RunContext, args: ArgumentsOf<'load_stats'>) => {
    const { now, from, to } = loadWindow(ctx, args);
    // What the window's requests got (e.g. {"201": 16, "503 RESILIENCE.LOAD_SHED": 5}): the
    // journal and a failed judgement's line say why a ratio is what it is.
    ctx.notes.lastLoadWindow = {
      from_s: from / 1000,
      to_s: to / 1000,
      ...statusCounts(ctx.load.outcomes, from, to),
    };
    return windowStats(ctx.load.outcomes, from, to, ctx.sloMs, now)[args.stat];
  },

  read_load_stats: async (ctx: RunContext, args: ArgumentsOf<'read_load_stats'>) => {
    const { now, from, to } = loadWindow(ctx, args);
    const outcomes = ctx.readLoad?.outcomes(args.service) ?? [];
    const figure = windowStats(outcomes, from, to, ctx.sloMs, now)[args.stat];
    if (!args.subtract_from_checkout) return figure;
    return windowStats(ctx.load.outcomes, from, to, ctx.sloMs, now)[args.stat] - figure;
  },

  shed_ratio: async (ctx: RunContext, args: ArgumentsOf<'shed_ratio'>) => {
    const [ratio, minus] = await Promise.all([
      shedRatio(ctx, args, args.since),
      args.minus ? shedRatio(ctx, args.minus, args.since) : 0,
    ]);
    return ratio - minus;
  },

  metric: async (ctx: RunContext, args: ArgumentsOf<'metric'>) => {
    const value = await metricValue(ctx, args);
    if (!args.divide_by) return value;
    const by = await metricValue(ctx, args.divide_by);
    // Both terms go to the journal: a ratio means little without what it was read over.
    ctx.notes[`${args.name} / ${args.divide_by.name}`] = {
      value,
      by,
      minDivisor: args.min_divisor,
    };
    return by === 0 || by < args.min_divisor ? Number.NaN : value / by;
  },

  invariants: async (ctx: RunContext, args: ArgumentsOf<'invariants'>) => {
    const result = await checkInvariants(ctx, args.checks, args.settle_seconds * 1000);
    ctx.notes.invariants = result;
    return Object.values(result.violations).reduce((a, v) => a + v.count, 0);
  },

  sql: async (ctx: RunContext, args: ArgumentsOf<'sql'>) => {
    // Read-only: the query runs in a READ ONLY transaction whatever it says.
    const rows = await ctx.platform.sqlReadOnly(
      args.database,
      args.query,
      args.query.includes('$1') ? [`${ctx.customerPrefix}-%`] : [],
    );
    const first = rows[0] ? Object.values(rows[0])[0] : undefined;
    return typeof first === 'string' && /^-?\d+(\.\d+)?$/.test(first) ? Number(first) : first;
  },

  span_attribute: async (ctx: RunContext, args: ArgumentsOf<'span_attribute'>) => {
    const kind = { internal: 1, server: 2, client: 3 }[args.span_kind];
    const since = ctx.load.startedWallMs + (ctx.phases.starts[args.since] ?? 0);
    const values = ctx.platform.spans.spans
      .filter((s) => s.service === args.service && s.kind === kind && s.startMs >= since)
      .map((s) => s.attributes[args.attribute])
      .filter((v): v is number => typeof v === 'number');
    if (args.aggregate === 'count') return values.length;
    if (values.length === 0) return Number.NaN;
    if (args.aggregate === 'mean') return values.reduce((a, b) => a + b, 0) / values.length;
    return aggregate(values, args.aggregate);
  },

  consumer_lag: async (ctx: RunContext, args: ArgumentsOf<'consumer_lag'>) => {
    const lag = await ctx.platform.lag.read();
    return Object.entries(lag)
      .filter(([group]) => !args.groups || args.groups.includes(group))
      .reduce((a, [, n]) => a + n, 0);
  },

  config_drift: async (ctx: RunContext, args: ArgumentsOf<'config_drift'>) => {
    const scrapes = await scrapeService(ctx.platform, args.service);
    const hashes = new Set(
      scrapes.flatMap((s) => select(s, 'service_info', {}).map((x) => x.labels.config_hash)),
    );
    return hashes.size;
  },

  cpu_throttle: async (ctx: RunContext, args: ArgumentsOf<'cpu_throttle'>) => {
    const stats = throttleStats(args.service);
    ctx.notes[`cpu_throttle ${args.service}`] = stats;
    if (args.stat === 'throttled_periods') return stats.throttledPeriods;
    if (args.stat === 'throttled_ms') return stats.throttledMs;
    return stats.periods > 0 ? stats.throttledPeriods / stats.periods : 0;
  },

  service_ready: async (ctx: RunContext, args: ArgumentsOf<'service_ready'>) => {
    try {
      const res = await fetch(`${ctx.platform.url(args.service)}/health/ready`, {
        signal: AbortSignal.timeout(2_000),
      });
      return res.status === 200;
    } catch {
      return false;
    }
  },
} satisfies Probes;
