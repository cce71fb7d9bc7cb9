import { chartSpecs, cpuByProcessSpec, goodputSpec, latencySpec, loadPoints } from './bench-charts';
import { renderHtml, renderSvgs } from './bench-html';
import type { CheckoutBenchResult } from './bench-report';
import { PROCESS_GROUPS, type ProcessGroup } from './proc-stat';
import { summarise, type StepResult } from './step-result';

function step(rateRps: number, p50: number, p99: number): StepResult {
  return summarise(
    Array.from({ length: 100 }, (_, i) => ({
      status: '201',
      latencyMs: i < 50 ? p50 : p99,
      doneAtMs: 10,
      lagMs: 0,
    })),
    { rateRps, seconds: 1, okStatus: '201', sloMs: 1_000, cpuBusyPct: 50 },
  );
}

const by = (ms: number) =>
  Object.fromEntries(PROCESS_GROUPS.map((g, i) => [g, ms + i])) as Record<ProcessGroup, number>;

/** A small run: two search steps, the half step, the pipeline steps and one shedding step. */
function sampleResult(): CheckoutBenchResult {
  const cost = (ms: number) => ({
    restarted: true,
    cpuMsPerCheckout: ms,
    cpuMsPerCheckoutByProcess: by(ms / 10),
    benchCpuMsPerCheckout: 1,
    checkouts: 100,
    windowSeconds: 8,
    rateRps: 10,
    p50Ms: 10,
    p99Ms: 20,
    pgRoundTripsPerCheckout: 30,
    pgTransactionsPerCheckout: 10,
  });
  return {
    capacityRps: 20,
    firstMissedRps: 30,
    halfCapacityRps: 10,
    p50MsAtHalfCapacity: 12,
    p99MsAtHalfCapacity: 40,
    comparisonRps: 40,
    pipelineOnOffThroughputRatio: 1.2,
    pipelineOnOffGoodputWithinSloRatio: 2,
    pipelineOn: step(40, 100, 800),
    pipelineOff: step(40, 900, 3_000),
    pipelineAtCapacity: {
      rateRps: 20,
      on: step(20, 15, 60),
      off: step(20, 14, 55),
      throughputRatio: 1,
    },
    overloadSteps: [
      { factor: 3, ...step(60, 120, 900), shedServerP99Ms: 2.4, edgeLoopDelayP99Ms: 41.2 },
    ],
    goodputWithinSloRpsAt3xCapacity: 60,
    goodputWithinSloRpsAt5xCapacity: null,
    shedP99MsAt3xCapacity: 4,
    shedP99MsAt5xCapacity: null,
    shedServerP99MsAt3xCapacity: 2.4,
    shedServerP99MsAt5xCapacity: null,
    steps: [
      { ...step(10, 10, 30), attempt: 1, metSlo: true },
      { ...step(20, 15, 60), attempt: 1, metSlo: true },
    ],
    halfCapacity: step(10, 12, 40),
    sloP99Ms: 1_000,
    maxErrorRatio: 0.001,
    quick: true,
    tierPriority: true,
    machine: {
      cpus: 2,
      cpuModel: 'AMD <EPYC>',
      memoryGb: 24,
      node: 'v24',
      loadAverage1m: 1,
      otherPlatformPorts: [],
    },
    startedAt: '2026-12-04T12:00:00.000Z',
    durationSeconds: 100,
    cpuMsPerCheckout: 60,
    cpuMsPerCheckoutByProcess: by(6),
    benchCpuMsPerCheckout: 2,
    costWindow: { rateRps: 10, checkouts: 60, windowSeconds: 9 },
    cpuMsPerCheckoutTracing: { off: 50, ratio10: 55, ratio100: 70 },
    tracingCost: { off: cost(50), ratio10: cost(55), ratio100: cost(70) },
    idleCpuPercent: 15,
    idleCpuPercentByProcess: by(1),
    idleSeconds: 10,
    rssMiBServices: 1_000,
    rssMiBByService: { checkout: 200 },
    pssMiBServices: 150,
    rssMiBServicesAtRest: 800,
    rssMiBByServiceAtRest: { checkout: 160 },
    pssMiBServicesAtRest: 120,
    pgRoundTripsPerCheckout: 30,
    pgTransactionsPerCheckout: 10,
    redisCommandsPerCheckout: 6,
    pgByService: {
      checkout: { roundTrips: 5, transactions: 3 },
      payment: { roundTrips: 5, transactions: 3 },
      inventory: { roundTrips: 5, transactions: 3 },
      analytics: { roundTrips: 5, transactions: 3 },
    },
    tracing: { samplingRatio: 0.1, parentBased: true, spansReceived: 10, exportsReceived: 2 },
  };
}

describe('bench charts', () => {
  it('when a run is plotted, then every step is a point of its phase at its offered rate', () => {
    const points = loadPoints(sampleResult());

    expect(points.map((p) => `${p.series}@${p.offeredRps}`)).toEqual([
      'capacity search@10',
      'capacity search@20',
      'capacity search@10',
      'pipeline on@20',
      'pipeline on@40',
      'pipeline on@60',
      'pipeline off@20',
      'pipeline off@40',
    ]);
  });

  it('when the goodput chart is built, then both goodputs are plotted against the offered load', () => {
    const spec = goodputSpec(sampleResult());
    const layer = (spec.layer as { data: { values: Record<string, unknown>[] } }[])[1]!;

    expect(layer.data.values).toContainEqual({
      series: 'pipeline off',
      offeredRps: 40,
      measure: 'goodput within 1000 ms',
      rps: 50, // half its answers came after 3 s
    });
    expect(layer.data.values).toHaveLength(16);
  });

  it('when the latency chart is built, then p50 and p99 are on a log scale with the SLO as a rule', () => {
    const spec = latencySpec(sampleResult()) as {
      layer: { data: { values: Record<string, unknown>[] }; encoding: Record<string, unknown> }[];
    };

    expect(spec.layer[0]!.data.values).toContainEqual({
      series: 'pipeline on',
      offeredRps: 60,
      percentile: 'p99',
      ms: 900,
    });
    expect(spec.layer[0]!.encoding.y).toMatchObject({ scale: { type: 'log' } });
    expect(spec.layer[1]!.data.values).toEqual([{ slo: 1_000 }]);
  });

  it('when the CPU chart is built, then each process has a bar per measured setting', () => {
    const values = (cpuByProcessSpec(sampleResult()).data as { values: { setting: string }[] })
      .values;

    expect(values).toHaveLength(PROCESS_GROUPS.length * 4);
    expect(new Set(values.map((v) => v.setting))).toEqual(
      new Set([
        'main run, sampling 10 %',
        'restarted: tracing off',
        'restarted: sampling 10 %',
        'restarted: sampling 100 %',
      ]),
    );
  });

  it('when 10 % was not measured on restarted services (--quick), then its bar is the main run only', () => {
    const result = sampleResult();
    result.tracingCost.ratio10 = { ...result.tracingCost.ratio10!, restarted: false };

    const values = (cpuByProcessSpec(result).data as { values: { setting: string }[] }).values;

    expect(values).toHaveLength(PROCESS_GROUPS.length * 3);
    expect(values.map((v) => v.setting)).not.toContain('restarted: sampling 10 %');
  });

  it('when the charts are rendered by vega, then each is an SVG document and the HTML embeds them escaped-safe', async () => {
    const result = sampleResult();

    const svgs = await renderSvgs(chartSpecs(result));
    const html = renderHtml(result, svgs);

    expect(svgs).toHaveLength(3);
    for (const svg of svgs) expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(html).toContain('Offered load vs goodput');
    expect(html).toContain('AMD &lt;EPYC&gt;'); // text is escaped
    expect(html).not.toMatch(/<script|<link|src="http/); // self-contained
  });
});
