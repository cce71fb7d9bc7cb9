import type { CheckoutBenchResult } from './bench-report';
import { PROCESS_GROUPS } from './proc-stat';
import type { StepResult } from './step-result';

/** A Vega-Lite specification (compiled to Vega and rendered to SVG by render-svg.mjs). */
export type VegaLiteSpec = Record<string, unknown>;

/** One step of the run as a point of the load plots. */
export interface LoadPoint {
  /** Which phase the step belongs to: `capacity search`, `pipeline on`, `pipeline off`. */
  series: string;
  offeredRps: number;
  goodputRps: number;
  goodputWithinSloRps: number;
  p50Ms: number;
  p99Ms: number;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 560;
const HEIGHT = 300;

/** Every step of a run with its phase, in the order it ran (the half-capacity step in the search). */
export function loadPoints(r: CheckoutBenchResult): LoadPoint[] {
  const point = (series: string, s: StepResult): LoadPoint => ({
    series,
    offeredRps: s.rateRps,
    goodputRps: s.goodputRps,
    goodputWithinSloRps: s.goodputWithinSloRps,
    p50Ms: s.p50Ms,
    p99Ms: s.p99Ms,
  });
  return [
    ...r.steps.map((s) => point('capacity search', s)),
    point('capacity search', r.halfCapacity),
    point('pipeline on', r.pipelineAtCapacity.on),
    point('pipeline on', r.pipelineOn),
    ...r.overloadSteps.map((s) => point('pipeline on', s)),
    point('pipeline off', r.pipelineAtCapacity.off),
    point('pipeline off', r.pipelineOff),
  ];
}

/** Offered load vs goodput (all successes, and those within the SLO), with the ideal y = x. */
export function goodputSpec(r: CheckoutBenchResult): VegaLiteSpec {
  const values = loadPoints(r).flatMap((p) => [
    { series: p.series, offeredRps: p.offeredRps, measure: 'goodput', rps: p.goodputRps },
    {
      series: p.series,
      offeredRps: p.offeredRps,
      measure: `goodput within ${r.sloP99Ms} ms`,
      rps: p.goodputWithinSloRps,
    },
  ]);
  const maxRate = Math.max(...values.map((v) => v.offeredRps));
  return {
    $schema: SCHEMA,
    title: 'Offered load vs goodput (checkouts/s)',
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values: [{ x: 0 }, { x: maxRate }] },
        mark: { type: 'line', color: '#bbb', strokeDash: [2, 2] },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'x', type: 'quantitative' },
        },
      },
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'offeredRps', type: 'quantitative', title: 'offered load (requests/s)' },
          y: { field: 'rps', type: 'quantitative', title: 'answered 201 in the window (/s)' },
          color: { field: 'series', type: 'nominal', title: 'phase' },
          strokeDash: {
            field: 'measure',
            type: 'nominal',
            title: 'measure',
            legend: { labelLimit: 400 },
          },
          order: { field: 'offeredRps', type: 'quantitative' },
        },
      },
    ],
  };
}

/** p50 and p99 latency (from the scheduled send time) vs offered load, log scale. */
export function latencySpec(r: CheckoutBenchResult): VegaLiteSpec {
  const values = loadPoints(r).flatMap((p) => [
    { series: p.series, offeredRps: p.offeredRps, percentile: 'p50', ms: Math.max(1, p.p50Ms) },
    { series: p.series, offeredRps: p.offeredRps, percentile: 'p99', ms: Math.max(1, p.p99Ms) },
  ]);
  return {
    $schema: SCHEMA,
    title: `Latency vs offered load (SLO: p99 <= ${r.sloP99Ms} ms)`,
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'offeredRps', type: 'quantitative', title: 'offered load (requests/s)' },
          y: { field: 'ms', type: 'quantitative', title: 'latency (ms)', scale: { type: 'log' } },
          color: { field: 'series', type: 'nominal', title: 'phase' },
          strokeDash: { field: 'percentile', type: 'nominal', title: 'percentile' },
          order: { field: 'offeredRps', type: 'quantitative' },
        },
      },
      {
        data: { values: [{ slo: r.sloP99Ms }] },
        mark: { type: 'rule', color: '#c00', strokeDash: [4, 3] },
        encoding: { y: { field: 'slo', type: 'quantitative' } },
      },
    ],
  };
}

/** CPU ms per checkout by process: the half-capacity step, and each tracing setting beside it. */
export function cpuByProcessSpec(r: CheckoutBenchResult): VegaLiteSpec {
  const labels = { off: 'tracing off', ratio10: 'sampling 10 %', ratio100: 'sampling 100 %' };
  const settings = [
    {
      setting: `main run, sampling ${r.tracing.samplingRatio * 100} %`,
      by: r.cpuMsPerCheckoutByProcess,
    },
    ...(['off', 'ratio10', 'ratio100'] as const).flatMap((key) => {
      const cost = r.tracingCost[key];
      return cost?.restarted
        ? [{ setting: `restarted: ${labels[key]}`, by: cost.cpuMsPerCheckoutByProcess }]
        : [];
    }),
  ];
  const values = settings.flatMap(({ setting, by }) =>
    PROCESS_GROUPS.map((process) => ({ process, setting, ms: by[process] })),
  );
  return {
    $schema: SCHEMA,
    title: `CPU ms per checkout by process (total at half capacity: ${r.cpuMsPerCheckout} ms)`,
    width: WIDTH,
    height: { step: 48 },
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'process', type: 'nominal', sort: [...PROCESS_GROUPS], title: null },
      yOffset: { field: 'setting', type: 'nominal' },
      x: { field: 'ms', type: 'quantitative', title: 'CPU ms per completed checkout' },
      color: {
        field: 'setting',
        type: 'nominal',
        title: null,
        legend: { orient: 'bottom', labelLimit: 400, columns: 2 },
      },
    },
  };
}

/** The three charts of the HTML report, in order. */
export function chartSpecs(r: CheckoutBenchResult): VegaLiteSpec[] {
  return [goodputSpec(r), latencySpec(r), cpuByProcessSpec(r)];
}
