import type { VegaLiteSpec } from './bench-charts';
import type { SoakResult } from './soak-report';
import type { SoakSample } from './soak-run';

/** One point of a time-series chart. */
export interface TimePoint {
  /** Minutes since the load started. */
  minute: number;
  series: string;
  value: number;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const minuteOf = (s: SoakSample) => Math.round((s.atSeconds / 60) * 100) / 100;

/**
 * A line per series over the run's minutes, with a dashed rule where the warm-up ends (the
 * baseline of the growth figures).
 */
export function timeSeriesSpec(
  title: string,
  yTitle: string,
  values: readonly TimePoint[],
  warmupEndMinute: number,
): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title,
    width: 560,
    height: 260,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'minute', type: 'quantitative', title: 'minutes since the load started' },
          y: { field: 'value', type: 'quantitative', title: yTitle },
          color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 300 } },
        },
      },
      {
        data: { values: [{ minute: warmupEndMinute }] },
        mark: { type: 'rule', color: '#888', strokeDash: [4, 3] },
        encoding: { x: { field: 'minute', type: 'quantitative' } },
      },
    ],
  };
}

/** Points of one per-series record of every sample (a null value is left out: no point). */
function pointsOf(
  samples: readonly SoakSample[],
  read: (s: SoakSample) => Record<string, number | null>,
): TimePoint[] {
  return samples.flatMap((s) =>
    Object.entries(read(s)).flatMap(([series, value]) =>
      value === null ? [] : [{ minute: minuteOf(s), series, value }],
    ),
  );
}

/** The soak report's charts: RSS, event-loop delay, table sizes, checkout latency. */
export function soakChartSpecs(r: SoakResult): VegaLiteSpec[] {
  const warmupEnd = r.warmupSeconds / 60;
  const loaded = r.samples.filter((s) => s.window !== null);
  const pending = (s: SoakSample) =>
    Object.fromEntries(Object.entries(s.outboxPending).map(([k, v]) => [`${k}.outbox pending`, v]));
  return [
    timeSeriesSpec(
      'Resident memory (RSS) per service',
      'MiB',
      pointsOf(r.samples, (s) => s.rssMiB),
      warmupEnd,
    ),
    timeSeriesSpec(
      'Event-loop delay p99 per service (each 10 s window)',
      'ms',
      pointsOf(r.samples, (s) => s.eventLoopP99Ms),
      warmupEnd,
    ),
    timeSeriesSpec(
      'Bookkeeping table rows (outbox, inbox, idempotency keys)',
      'rows',
      pointsOf(r.samples, (s) => ({ ...s.tableRows, ...pending(s) })),
      warmupEnd,
    ),
    timeSeriesSpec(
      `Checkout latency per window at ${r.rateRps}/s (errors: ${r.summary.load.errors})`,
      'ms (from the scheduled send time)',
      pointsOf(loaded, (s) => ({ p50: s.window!.p50Ms, p99: s.window!.p99Ms })),
      warmupEnd,
    ),
  ];
}
