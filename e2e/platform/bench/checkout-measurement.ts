import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type OtlpReceiver, PLATFORM_SERVICES, type PlatformUnderTest, testEnv } from '@rc/testing';
import { benchPlan, parseBenchOptions, type BenchOptions, type BenchPlan } from './bench-options';
import { writeHtmlReport } from './bench-html';
import { withBenchPlatform } from './bench-platform';
import {
  onOffRatio,
  renderReport,
  type CheckoutBenchResult,
  type TracingCost,
  type TracingSetting,
} from './bench-report';
import { searchCapacity } from './capacity-search';
import { benchCustomers, checkoutTraffic } from './checkout-traffic';
import { CostProbe, type CostStep } from './cost-probe';
import type { IdleCost } from './platform-cost';
import { LoadRunner } from './load-runner';
import { machineContext, settle, type MachineContext } from './machine-context';
import { RedisCounters } from './redis-counters';
import { PgCounters } from './pg-counters';
import { comparePipeline } from './pipeline-comparison';
import { EdgeTiming } from './edge-timing';
import { readCpu, readPssMiB, readRssMiB, SERVICE_GROUPS, type ProcessGroup } from './proc-stat';
import type { StepResult } from './step-result';
import { PLATFORM_CONSUMER_GROUPS, waitForGroupsCaughtUp } from '../test/support/kafka-events';

// The measuring half of `npm run bench:checkout` (checkout.bench.ts builds the workspace, then
// runs this file in a fresh process: @rc/testing and the services must come from the new build).
//
// Open-loop load on POST /v1/checkout of the real platform — six service processes, Postgres,
// Redis and Kafka — in one run: (1) capacity: the highest arrival rate with p99 within the SLO
// and < 0.1 % errors; (2) p50/p99 at half capacity; (3) goodput at capacity and at twice
// capacity with checkout's resilience pipeline on, then off (checkout restarted with
// RESILIENCE_PIPELINE_ENABLED=false), and with it on at 3× and 5× capacity (shedding). Beside
// the throughput, what it costs: the platform's CPU per checkout by process (from /proc), at rest,
// its memory, its Postgres round trips and transactions — with tracing on (exporting over OTLP to
// a receiver in this process at 10 % parent-based sampling), and at 100 % and off beside it.
// Progress on stderr; the report (or --json) on stdout; without --json also
// reports/bench/checkout.html (charts rendered by Vega).
// e2e/platform/README.md explains the method and the figures measured on the dev machine.

const ROOT = join(__dirname, '..', '..', '..');
const PORT_BASE = 3200; // apart from npm start (3000+) and the e2e suites (3110–3165)
const SERVICES = PLATFORM_SERVICES.map((s) => s.name);
const progress = (msg: string) => process.stderr.write(`[bench:checkout] ${msg}\n`);

/** Runs the measurement (scripts/bench/run.mjs calls it with the bench's arguments). */
export async function main(args: string[]): Promise<void> {
  const options = parseBenchOptions(args);
  const plan = benchPlan(options);
  const machine = await machineContext();
  if (machine.otherPlatformPorts.length > 0)
    progress(
      `warning: other platform processes listen on ${machine.otherPlatformPorts.join(', ')} — they share the CPU: figures will be noisy`,
    );
  // Tracing stays on in the measurement: the services export to a real OTLP/HTTP endpoint.
  const run = {
    root: ROOT,
    portBase: PORT_BASE,
    tierPriority: options.tierPriority,
    samplingRatio: plan.samplingRatio,
    progress,
    env: Object.fromEntries(SERVICES.map((name) => [name, options.serviceEnv])),
  };
  if (Object.keys(options.serviceEnv).length > 0)
    progress(`every service runs with ${JSON.stringify(options.serviceEnv)} (--env)`);
  await withBenchPlatform(run, async ({ platform, receiver, skus, onClose }) => {
    const pg = new PgCounters(testEnv().databaseUrl, (s) => platform.url(s));
    onClose(() => pg.close());
    // The state Redis and, where infra:up runs one, the cache Redis (recommendations' answers).
    const redis = new RedisCounters([testEnv().redisUrl, testEnv().redisCacheUrl]);
    onClose(() => redis.close());
    if (options.costOnly) {
      const costOnly = await measureCostOnly(platform, skus, options, plan, machine, { pg, redis });
      process.stdout.write(
        options.json ? `${JSON.stringify(costOnly)}\n` : `${renderCostOnly(costOnly)}\n`,
      );
      return;
    }
    const result = await measure(platform, skus, options, plan, machine, { pg, redis, receiver });
    // Another run may have started meanwhile: report every platform seen, at the start or end.
    const seen = new Set([
      ...machine.otherPlatformPorts,
      ...(await machineContext()).otherPlatformPorts,
    ]);
    result.machine.otherPlatformPorts = [...seen].sort((a, b) => a - b);
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      progress('rendering reports/bench/checkout.html (vega) ...');
      const html = await writeHtmlReport(ROOT, result);
      process.stdout.write(`\n${renderReport(result)}\n\ncharts: ${html}\n`);
    }
  });
}

async function measure(
  platform: PlatformUnderTest,
  skus: string[],
  options: BenchOptions,
  plan: BenchPlan,
  machine: MachineContext,
  io: { pg: PgCounters; redis: RedisCounters; receiver: OtlpReceiver },
): Promise<CheckoutBenchResult> {
  const started = Date.now();
  const probe = new CostProbe(io.pg, plan.costDrainSeconds, io.redis);
  const runner = await checkoutRunner(platform, skus, options, plan, started);
  try {
    const idle = await measureIdle(probe, plan);

    log(`warm-up: 10 rps for ${plan.warmupSeconds} s`);
    await runner.step(10, plan.warmupSeconds);
    const slo = { p99Ms: options.sloP99Ms, maxErrorRatio: plan.maxErrorRatio };
    log(`capacity search: ${plan.stepSeconds} s per rate, SLO p99 <= ${slo.p99Ms} ms`);
    const search = await searchCapacity(
      plan.rates,
      slo,
      (rate) => runner.step(rate, plan.stepSeconds),
      (s) =>
        log(`${s.rateRps} rps${s.attempt > 1 ? ' (again)' : ''}${s.metSlo ? '' : ' MISSED'}`, s),
    );
    const halfRate = options.costRateRps ?? Math.max(5, Math.round(search.capacityRps / 2));
    // The capacity steps past the knee leave events behind; their processing must not be
    // billed to the half-capacity checkouts.
    await consumersCaughtUp();
    log(
      `${options.costRateRps ? 'cost step (--cost-rate)' : 'half capacity'}: ${halfRate} rps for ${plan.halfSeconds} s, cost measured`,
    );
    const halfCost = await probe.step(runner, halfRate, plan.halfSeconds);
    const half = halfCost.step;
    log(`${halfRate} rps`, half);
    logCost(`cost at ${halfRate} rps`, halfCost);

    const capacityRps = Math.max(10, search.capacityRps);
    const factors = plan.sheddingFactors;
    const { atCapacity, overload, extraOverloadOn } = await comparePipeline(
      platform,
      runner,
      {
        capacityRps,
        overloadRps: Math.round(capacityRps * plan.overloadFactor),
        warmupRps: halfRate,
        warmupSeconds: plan.warmupSeconds,
        seconds: plan.comparisonSeconds,
        extraOverloadRps: factors.map((f) => Math.round(capacityRps * f)),
        edge: new EdgeTiming(`${platform.url('checkout')}/metrics`),
      },
      log,
    );
    const overloadSteps = extraOverloadOn.map((s, i) => ({ factor: factors[i]!, ...s }));
    const atFactor = (f: number) => overloadSteps.find((s) => s.factor === f);

    // Memory after the load phases, before the tracing steps restart every service.
    const servicePids = readCpu().pids;
    const rssMiBByService = rssMiBPerService(servicePids);
    const rssMiBServices = round1(sum(Object.values(rssMiBByService)));
    const pssMiBServices = servicesMiB(readPssMiB, servicePids);
    // And once the services have settled at rest (they give their spare heap back then).
    log(`memory: the platform at rest for ${plan.restMemorySeconds} s`);
    await sleep(plan.restMemorySeconds * 1000);
    const rssMiBByServiceAtRest = rssMiBPerService(servicePids);
    const rssMiBServicesAtRest = round1(sum(Object.values(rssMiBByServiceAtRest)));
    const pssMiBServicesAtRest = servicesMiB(readPssMiB, servicePids);
    log(
      `memory: ${rssMiBServices} MiB after the load phases, ${rssMiBServicesAtRest} MiB at rest (VmRSS, six services)`,
    );

    const tracingCost = await measureTracing(platform, runner, probe, halfRate, plan, logCost);
    tracingCost.ratio10 ??= tracingCostOf(halfCost, halfRate, false);
    return {
      cpuMsPerCheckout: halfCost.cost.cpuMsPerCheckout,
      cpuMsPerCheckoutByProcess: halfCost.cost.cpuMsPerCheckoutByProcess,
      benchCpuMsPerCheckout: halfCost.cost.benchCpuMsPerCheckout,
      costWindow: {
        rateRps: halfRate,
        checkouts: halfCost.cost.checkouts,
        windowSeconds: halfCost.cost.windowSeconds,
      },
      cpuMsPerCheckoutTracing: {
        off: tracingCost.off?.cpuMsPerCheckout ?? null,
        ratio10: tracingCost.ratio10?.cpuMsPerCheckout ?? null,
        ratio100: tracingCost.ratio100?.cpuMsPerCheckout ?? null,
      },
      tracingCost,
      idleCpuPercent: idle.idleCpuPercent,
      idleCpuPercentByProcess: idle.idleCpuPercentByProcess,
      idleSeconds: idle.seconds,
      rssMiBServices,
      rssMiBByService,
      pssMiBServices,
      rssMiBServicesAtRest,
      rssMiBByServiceAtRest,
      pssMiBServicesAtRest,
      pgRoundTripsPerCheckout: halfCost.pg.pgRoundTripsPerCheckout,
      pgTransactionsPerCheckout: halfCost.pg.pgTransactionsPerCheckout,
      pgByService: halfCost.pg.byService,
      redisCommandsPerCheckout: halfCost.redisCommandsPerCheckout,
      tracing: {
        samplingRatio: plan.samplingRatio,
        parentBased: true,
        spansReceived: io.receiver.spansReceived,
        exportsReceived: io.receiver.exportsReceived,
      },
      overloadSteps,
      goodputWithinSloRpsAt3xCapacity: atFactor(3)?.goodputWithinSloRps ?? null,
      goodputWithinSloRpsAt5xCapacity: atFactor(5)?.goodputWithinSloRps ?? null,
      shedP99MsAt3xCapacity: atFactor(3)?.shedP99Ms ?? null,
      shedP99MsAt5xCapacity: atFactor(5)?.shedP99Ms ?? null,
      shedServerP99MsAt3xCapacity: atFactor(3)?.shedServerP99Ms ?? null,
      shedServerP99MsAt5xCapacity: atFactor(5)?.shedServerP99Ms ?? null,
      capacityRps: search.capacityRps,
      firstMissedRps: search.firstMissedRps ?? null,
      halfCapacityRps: halfRate,
      p50MsAtHalfCapacity: half.p50Ms,
      p99MsAtHalfCapacity: half.p99Ms,
      comparisonRps: overload.rateRps,
      pipelineOnOffThroughputRatio: onOffRatio(overload.on.goodputRps, overload.off.goodputRps),
      pipelineOnOffGoodputWithinSloRatio: onOffRatio(
        overload.on.goodputWithinSloRps,
        overload.off.goodputWithinSloRps,
      ),
      pipelineOn: overload.on,
      pipelineOff: overload.off,
      pipelineAtCapacity: {
        ...atCapacity,
        throughputRatio: onOffRatio(atCapacity.on.goodputRps, atCapacity.off.goodputRps),
      },
      sloP99Ms: options.sloP99Ms,
      maxErrorRatio: plan.maxErrorRatio,
      quick: options.quick,
      tierPriority: options.tierPriority,
      steps: search.steps,
      halfCapacity: half,
      machine,
      startedAt: new Date(started).toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    await runner.close();
  }
}

const log = (label: string, s?: StepResult) =>
  progress(
    s
      ? `${label}: ok ${s.ok}/${s.sent}, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, goodput ${s.goodputRps}/s, cpu ${s.cpuBusyPct}% ${JSON.stringify(s.statuses)}`
      : label,
  );
const logCost = (label: string, c: CostStep) =>
  progress(
    `${label}: ${c.cost.cpuMsPerCheckout} CPU ms/checkout ${JSON.stringify(c.cost.cpuMsPerCheckoutByProcess)}, bench ${c.cost.benchCpuMsPerCheckout}; ` +
      `Postgres ${c.pg.pgRoundTripsPerCheckout} round trips, ${c.pg.pgTransactionsPerCheckout} transactions, Redis ${c.redisCommandsPerCheckout} commands per checkout`,
  );

/** The open-loop load of signed-in customers placing one-item orders on checkout. */
async function checkoutRunner(
  platform: PlatformUnderTest,
  skus: string[],
  options: BenchOptions,
  plan: BenchPlan,
  started: number,
): Promise<LoadRunner> {
  const customers = await benchCustomers(platform, `bench-${started.toString(36)}`);
  return new LoadRunner({
    origin: platform.url('checkout'),
    next: checkoutTraffic(skus, customers),
    okStatus: 201,
    timeoutMs: plan.requestTimeoutMs,
    sloMs: options.sloP99Ms,
    onBusy: (busy) => progress(`(the CPU is still ${busy}% busy after 10 s; measuring anyway)`),
  });
}

/** The platform at rest, once start-up has settled (consumers joined, any older backlog applied). */
async function measureIdle(probe: CostProbe, plan: BenchPlan, when = ''): Promise<IdleCost> {
  await waitForGroupsCaughtUp(PLATFORM_CONSUMER_GROUPS, {
    timeoutMs: 180_000,
    onProgress: progress,
  });
  await settle(10_000, 20);
  await new Promise((r) => setTimeout(r, 1_000));
  const label = when ? `idle ${when}` : 'idle';
  log(`${label}: the platform at rest for ${plan.idleSeconds} s`);
  const idle = await probe.idle(plan.idleSeconds);
  progress(
    `${label}: ${idle.idleCpuPercent}% of one core ${JSON.stringify(idle.idleCpuPercentByProcess)}`,
  );
  return idle;
}

/**
 * `--cost-only`: the platform at rest, a 30 s warm-up, then `--repeat` cost steps of
 * `--cost-seconds` at `--cost-rate`, each after the consumers caught up, then the platform at
 * rest once more (warm). The headline figures are the steps' medians; every step is in
 * `costSteps`.
 */
async function measureCostOnly(
  platform: PlatformUnderTest,
  skus: string[],
  options: BenchOptions,
  plan: BenchPlan,
  machine: MachineContext,
  io: { pg: PgCounters; redis: RedisCounters },
): Promise<CostOnlyResult> {
  const started = Date.now();
  const rateRps = options.costRateRps!;
  const probe = new CostProbe(io.pg, plan.costDrainSeconds, io.redis);
  const runner = await checkoutRunner(platform, skus, options, plan, started);
  try {
    const idle = await measureIdle(probe, plan);
    const warmupSeconds = Math.max(30, plan.warmupSeconds);
    log(`warm-up: ${rateRps} rps for ${warmupSeconds} s`);
    await runner.step(rateRps, warmupSeconds);
    const steps: CostStep[] = [];
    for (let i = 1; i <= options.repeat; i++) {
      await consumersCaughtUp();
      const c = await probe.step(runner, rateRps, plan.halfSeconds);
      log(`cost step ${i}/${options.repeat}, ${rateRps} rps for ${plan.halfSeconds} s`, c.step);
      logCost(`cost step ${i}/${options.repeat}`, c);
      steps.push(c);
    }
    // At rest again, warm: start-up's JIT and first connections are behind it now.
    await consumersCaughtUp();
    const idleAfter = await measureIdle(probe, plan, 'after the cost steps');
    const servicePids = readCpu().pids;
    const byProcess = Object.keys(steps[0]!.cost.cpuMsPerCheckoutByProcess) as ProcessGroup[];
    return {
      costOnly: true,
      rateRps,
      stepSeconds: plan.halfSeconds,
      cpuMsPerCheckout: median(steps.map((c) => c.cost.cpuMsPerCheckout)),
      cpuMsPerCheckoutByProcess: Object.fromEntries(
        byProcess.map((p) => [
          p,
          median(steps.map((c) => c.cost.cpuMsPerCheckoutByProcess[p] ?? 0)),
        ]),
      ),
      pgRoundTripsPerCheckout: median(steps.map((c) => c.pg.pgRoundTripsPerCheckout)),
      pgTransactionsPerCheckout: median(steps.map((c) => c.pg.pgTransactionsPerCheckout)),
      redisCommandsPerCheckout: median(steps.map((c) => c.redisCommandsPerCheckout)),
      p99Ms: median(steps.map((c) => c.step.p99Ms)),
      costSteps: steps.map((c) => ({
        ...c.cost,
        p50Ms: c.step.p50Ms,
        p99Ms: c.step.p99Ms,
        pgRoundTripsPerCheckout: c.pg.pgRoundTripsPerCheckout,
        pgTransactionsPerCheckout: c.pg.pgTransactionsPerCheckout,
        redisCommandsPerCheckout: c.redisCommandsPerCheckout,
      })),
      idleCpuPercent: idle.idleCpuPercent,
      idleCpuPercentByProcess: idle.idleCpuPercentByProcess,
      idleSeconds: idle.seconds,
      idleAfterLoadCpuPercent: idleAfter.idleCpuPercent,
      idleAfterLoadCpuPercentByProcess: idleAfter.idleCpuPercentByProcess,
      rssMiBServices: servicesMiB(readRssMiB, servicePids),
      tierPriority: options.tierPriority,
      machine,
      startedAt: new Date(started).toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    await runner.close();
  }
}

/** What a `--cost-only` run reports (`--json`: this object). */
export interface CostOnlyResult {
  costOnly: true;
  rateRps: number;
  stepSeconds: number;
  cpuMsPerCheckout: number;
  cpuMsPerCheckoutByProcess: Record<string, number>;
  pgRoundTripsPerCheckout: number;
  pgTransactionsPerCheckout: number;
  redisCommandsPerCheckout: number;
  p99Ms: number;
  costSteps: Record<string, unknown>[];
  idleCpuPercent: number;
  idleCpuPercentByProcess: Record<string, number>;
  idleSeconds: number;
  /** The platform at rest once more, after the cost steps (warm), % of one core. */
  idleAfterLoadCpuPercent: number;
  idleAfterLoadCpuPercentByProcess: Record<string, number>;
  rssMiBServices: number;
  tierPriority: boolean;
  machine: MachineContext;
  startedAt: string;
  durationSeconds: number;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const m = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(m * 100) / 100;
};

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const round1 = (n: number) => Math.round(n * 10) / 10;

/** One memory reading (`readRssMiB`, `readPssMiB`) of the six services' processes, summed, MiB. */
function servicesMiB(
  read: (pids: readonly number[]) => number[],
  pids: Record<ProcessGroup, readonly number[]>,
): number {
  return round1(sum(SERVICE_GROUPS.flatMap((g) => read(pids[g]))));
}

/** Each of the six services' VmRSS (all its processes), MiB. */
function rssMiBPerService(pids: Record<ProcessGroup, readonly number[]>): Record<string, number> {
  return Object.fromEntries(SERVICE_GROUPS.map((g) => [g, round1(sum(readRssMiB(pids[g])))]));
}

/** Waits (with progress) until the shared consumer groups have no lag. */
function consumersCaughtUp(): Promise<void> {
  return waitForGroupsCaughtUp(PLATFORM_CONSUMER_GROUPS, {
    timeoutMs: 600_000,
    onProgress: progress,
  });
}

/** The environment each tracing setting restarts the services with (over the run's: 10 %). */
const TRACING_SETTINGS: readonly [TracingSetting, Record<string, string>][] = [
  ['off', { OTEL_ENABLED: 'false' }],
  ['ratio100', { OTEL_SAMPLING_RATIO: '1' }],
  ['ratio10', {}],
];

/**
 * The half-capacity cost under each tracing setting: all six services restarted with it (so no
 * setting inherits another's JIT state), a warm-up, then a cost step. The 10 % setting is
 * measured the same way, last, so the three are comparable with each other.
 */
async function measureTracing(
  platform: PlatformUnderTest,
  runner: LoadRunner,
  probe: CostProbe,
  rateRps: number,
  plan: BenchPlan,
  logCost: (label: string, c: CostStep) => void,
): Promise<Record<TracingSetting, TracingCost | null>> {
  const costs: Record<TracingSetting, TracingCost | null> = {
    off: null,
    ratio10: null,
    ratio100: null,
  };
  for (const [setting, env] of TRACING_SETTINGS) {
    if (!plan.tracingRestarts.includes(setting)) continue;
    progress(
      `tracing ${setting}: restarting the six services, warm-up ${plan.tracingWarmupSeconds} s`,
    );
    await Promise.all(SERVICES.map((s) => platform.restartWith(s, env)));
    await runner.reconnect();
    // The overload steps leave thousands of events behind: not this setting's cost.
    await consumersCaughtUp();
    await runner.step(rateRps, plan.tracingWarmupSeconds);
    const c = await probe.step(runner, rateRps, plan.tracingSeconds);
    logCost(`tracing ${setting} at ${rateRps} rps`, c);
    costs[setting] = tracingCostOf(c, rateRps, true);
  }
  return costs;
}

function tracingCostOf(c: CostStep, rateRps: number, restarted: boolean): TracingCost {
  return {
    restarted,
    ...c.cost,
    rateRps,
    p50Ms: c.step.p50Ms,
    p99Ms: c.step.p99Ms,
    pgRoundTripsPerCheckout: c.pg.pgRoundTripsPerCheckout,
    pgTransactionsPerCheckout: c.pg.pgTransactionsPerCheckout,
  };
}

/** The human-readable summary of a `--cost-only` run. */
function renderCostOnly(r: CostOnlyResult): string {
  const lines = [
    `cost only: ${r.costSteps.length} steps of ${r.stepSeconds} s at ${r.rateRps} checkouts/s (medians)`,
    `  CPU ms per checkout     ${r.cpuMsPerCheckout}  ${JSON.stringify(r.cpuMsPerCheckoutByProcess)}`,
    `  each step               ${r.costSteps.map((c) => c.cpuMsPerCheckout).join(', ')}`,
    `  Postgres per checkout   ${r.pgRoundTripsPerCheckout} round trips, ${r.pgTransactionsPerCheckout} transactions`,
    `  Redis per checkout      ${r.redisCommandsPerCheckout} commands`,
    `  p99                     ${r.p99Ms} ms`,
    `  idle                    ${r.idleCpuPercent} % of one core over ${r.idleSeconds} s ${JSON.stringify(r.idleCpuPercentByProcess)}`,
    `  idle after the steps    ${r.idleAfterLoadCpuPercent} % ${JSON.stringify(r.idleAfterLoadCpuPercentByProcess)}`,
    `  services' RSS           ${r.rssMiBServices} MiB`,
  ];
  return lines.join('\n');
}
