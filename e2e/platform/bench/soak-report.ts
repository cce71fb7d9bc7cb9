import type { MachineContext } from './machine-context';
import { RSS_GROWTH_TARGET_PCT, RSS_GROWTH_TARGET_SECONDS } from './soak-options';
import type { SoakRecord, SoakSample } from './soak-run';
import type { ServiceName } from './soak-sampler';
import { percentile } from './step-result';

/** One service's resident memory from the end of the warm-up to the end of the run. */
export interface RssGrowth {
  /** Median of the first samples from the baseline on, MiB (null: never seen running). */
  baselineMiB: number | null;
  /** Median of the last samples, MiB. */
  endMiB: number | null;
  /** (end − baseline) ÷ baseline, %, 1 decimal. */
  growthPct: number | null;
}

/** The memory target judged (or only reported) on a run. */
export interface MemoryVerdict {
  targetPct: number;
  targetSeconds: number;
  /** Every service grew less than the target. */
  pass: boolean;
  /** The run was long enough (the target's window) for the verdict to mean something. */
  judged: boolean;
  worstService: ServiceName | null;
  worstGrowthPct: number | null;
}

/** Load, latency and errors over the soak phase (the warm-up left out). */
export interface SoakLoad {
  sent: number;
  ok: number;
  errors: number;
  errorRatio: number;
  statuses: Record<string, number>;
  /** Medians and worst of the windows' percentiles, ms. */
  p50MsMedian: number;
  p99MsMedian: number;
  p99MsWorst: number;
  maxMs: number;
}

/** One bookkeeping table over the soak phase. */
export interface TableTrend {
  baseline: number;
  end: number;
  max: number;
}

/** What a soak run comes to. */
export interface SoakSummary {
  rssGrowth: Record<string, RssGrowth>;
  /**
   * The same over the second half of the soak only: after a short warm-up the heaps may still
   * be growing to (or shrinking back from) their working size, which moves the whole-run figure
   * either way; a leak keeps growing in the second half too.
   */
  rssGrowthSecondHalf: Record<string, RssGrowth>;
  memory: MemoryVerdict;
  load: SoakLoad;
  /** Event-loop delay p99 per service over the soak samples: median and worst, ms. */
  eventLoopP99Ms: Record<string, { median: number | null; max: number | null }>;
  tables: Record<string, TableTrend>;
  /** Most outbox rows waiting to be published at any sample (all services). */
  outboxPendingMax: number;
  /** Samples at which a service was not running (its process gone). */
  servicesDown: { service: string; atSeconds: number }[];
}

/** A soak run: its record, what it comes to, and the machine it ran on. */
export interface SoakResult extends SoakRecord {
  summary: SoakSummary;
  machine: MachineContext;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const median = (values: readonly number[]) =>
  values.length === 0 ? Number.NaN : percentile(Float64Array.from(values).sort(), 50);
const known = <T>(values: readonly (T | null)[]) => values.filter((v): v is T => v !== null);

/** The samples from the baseline (end of the warm-up) on. */
export function soakSamples(r: SoakRecord): SoakSample[] {
  return r.samples.filter((s) => s.atSeconds >= r.warmupSeconds);
}

/**
 * RSS growth per service: the median of the first three samples from the baseline on against
 * the median of the last three (fewer when the run has fewer than six), so one sample caught
 * just before a garbage collection does not decide the figure.
 */
export function rssGrowth(samples: readonly SoakSample[]): Record<string, RssGrowth> {
  const n = Math.max(1, Math.min(3, Math.floor(samples.length / 2)));
  const services = Object.keys(samples[0]?.rssMiB ?? {}) as ServiceName[];
  return Object.fromEntries(
    services.map((name) => {
      const of = (part: readonly SoakSample[]) => known(part.map((s) => s.rssMiB[name]));
      const first = of(samples.slice(0, n));
      const last = of(samples.slice(-n));
      const baselineMiB = first.length > 0 ? round1(median(first)) : null;
      const endMiB = last.length > 0 ? round1(median(last)) : null;
      const growthPct =
        baselineMiB && endMiB !== null
          ? round1(((endMiB - baselineMiB) / baselineMiB) * 100)
          : null;
      return [name, { baselineMiB, endMiB, growthPct }];
    }),
  );
}

/** The memory target (< 10 % RSS growth over 30 min after the warm-up) applied to a run. */
export function memoryVerdict(
  growth: Record<string, RssGrowth>,
  soakSeconds: number,
): MemoryVerdict {
  let worstService: ServiceName | null = null;
  let worstGrowthPct: number | null = null;
  for (const [name, g] of Object.entries(growth))
    if (g.growthPct !== null && (worstGrowthPct === null || g.growthPct > worstGrowthPct)) {
      worstService = name as ServiceName;
      worstGrowthPct = g.growthPct;
    }
  const measured = Object.values(growth).every((g) => g.growthPct !== null);
  return {
    targetPct: RSS_GROWTH_TARGET_PCT,
    targetSeconds: RSS_GROWTH_TARGET_SECONDS,
    pass: measured && (worstGrowthPct ?? 0) < RSS_GROWTH_TARGET_PCT,
    judged: soakSeconds >= RSS_GROWTH_TARGET_SECONDS,
    worstService,
    worstGrowthPct,
  };
}

/** Everything a soak record comes to (see {@link SoakSummary}). */
export function summariseSoak(r: SoakRecord): SoakSummary {
  const samples = soakSamples(r);
  const growth = rssGrowth(samples);
  // The baseline sample closes the last warm-up window: load and event-loop figures start after it.
  const after = samples.filter((s) => s.atSeconds > r.warmupSeconds);
  const windows = known(after.map((s) => s.window));
  const statuses: Record<string, number> = {};
  for (const w of windows)
    for (const [status, n] of Object.entries(w.statuses))
      statuses[status] = (statuses[status] ?? 0) + n;
  const sent = windows.reduce((n, w) => n + w.sent, 0);
  const ok = windows.reduce((n, w) => n + w.ok, 0);
  const services = Object.keys(samples[0]?.eventLoopP99Ms ?? {}) as ServiceName[];
  const tableNames = Object.keys(samples[0]?.tableRows ?? {});
  return {
    rssGrowth: growth,
    rssGrowthSecondHalf: rssGrowth(samples.slice(Math.floor(samples.length / 2))),
    memory: memoryVerdict(growth, r.soakSeconds),
    load: {
      sent,
      ok,
      errors: sent - ok,
      errorRatio: sent > 0 ? (sent - ok) / sent : 0,
      statuses,
      p50MsMedian: Math.round(median(windows.map((w) => w.p50Ms))),
      p99MsMedian: Math.round(median(windows.map((w) => w.p99Ms))),
      p99MsWorst: Math.max(...windows.map((w) => w.p99Ms)),
      maxMs: Math.max(...windows.map((w) => w.maxMs)),
    },
    eventLoopP99Ms: Object.fromEntries(
      services.map((name) => {
        const values = known(after.map((s) => s.eventLoopP99Ms[name]));
        return [
          name,
          values.length > 0
            ? { median: round1(median(values)), max: Math.max(...values) }
            : { median: null, max: null },
        ];
      }),
    ),
    tables: Object.fromEntries(
      tableNames.map((t) => {
        const rows = samples.map((s) => s.tableRows[t] ?? 0);
        return [t, { baseline: rows[0] ?? 0, end: rows.at(-1) ?? 0, max: Math.max(...rows) }];
      }),
    ),
    outboxPendingMax: Math.max(
      0,
      ...r.samples.map((s) => Object.values(s.outboxPending).reduce((a, b) => a + b, 0)),
    ),
    servicesDown: r.samples.flatMap((s) =>
      Object.entries(s.rssMiB)
        .filter(([, mib]) => mib === null)
        .map(([service]) => ({ service, atSeconds: s.atSeconds })),
    ),
  };
}

/** The memory verdict as one line: PASS/FAIL, or growth only reported for a short run. */
export function verdictLine(m: MemoryVerdict, soakSeconds: number): string {
  const target = `target: RSS growth < ${m.targetPct} % per service over ${m.targetSeconds / 60} min after the warm-up`;
  const worst =
    m.worstService === null ? 'no RSS measured' : `worst ${m.worstService} ${m.worstGrowthPct} %`;
  if (m.judged) return `${target}: ${m.pass ? 'PASS' : 'FAIL'} (${worst})`;
  return (
    `${target}: not judged — only ${round1(soakSeconds / 60)} min measured; over a short run ` +
    `the growth is mostly heap and JIT warm-up, so it is reported, not judged ` +
    `(${m.pass ? 'would pass' : 'would fail'}: ${worst})`
  );
}
