import { join } from 'node:path';
import type { PlatformUnderTest } from '@rc/testing';
import { Agent } from 'undici';
import { benchPlan, parseBenchOptions, type BenchOptions, type BenchPlan } from './bench-options';
import { onOffRatio, renderReport, type CheckoutBenchResult } from './bench-report';
import { searchCapacity } from './capacity-search';
import { catalogueSkus, checkoutTraffic, topUpStock } from './checkout-traffic';
import { machineContext, settle, type MachineContext } from './machine-context';
import { runOpenLoop } from './open-loop';
import type { StepResult } from './step-result';
import { buildWorkspace } from './workspace-build';

// npm run bench:checkout [-- --json] [-- --quick] [-- --slo-ms 1000] [-- --skip-build]
//
// Open-loop load on POST /v1/checkout of the real platform — six service processes, Postgres,
// Redis and Kafka — in one run: (1) capacity: the highest arrival rate with p99 within the SLO
// and < 0.1 % errors; (2) p50/p99 at half capacity; (3) goodput at twice capacity with
// checkout's resilience pipeline on, then off (checkout restarted with
// RESILIENCE_PIPELINE_ENABLED=false). Progress on stderr; the report (or --json) on stdout.
// e2e/platform/README.md explains the method and the figures measured on the dev machine.

const ROOT = join(__dirname, '..', '..', '..');
const PORT_BASE = 3200; // apart from npm start (3000+) and the e2e suites (3110–3159)
const SERVICES = ['checkout', 'cart', 'payment', 'inventory', 'recommendations', 'analytics'];
const progress = (msg: string) => process.stderr.write(`[bench:checkout] ${msg}\n`);

/** Entry point (scripts/bench/run.mjs calls it with the arguments after the file). */
export async function main(args: string[]): Promise<void> {
  const options = parseBenchOptions(args);
  const plan = benchPlan(options);
  if (!options.skipBuild) {
    progress('building the workspace (nx run-many -t build, cached) ...');
    await buildWorkspace(ROOT);
  }
  // Loaded after the build: at run time the workspace libs resolve to their dist output.
  const testing = await import('@rc/testing');
  await Promise.all([testing.requirePostgres(), testing.requireRedis(), testing.requireKafka()]);
  const machine = await machineContext();
  if (machine.otherPlatformPorts.length > 0)
    progress(
      `warning: other platform processes listen on ${machine.otherPlatformPorts.join(', ')} — they share the CPU: figures will be noisy`,
    );

  const platform = new testing.PlatformUnderTest({
    root: ROOT,
    portBase: PORT_BASE,
    // Logs at warn: per-request info lines would bill log formatting to the figures.
    env: Object.fromEntries(SERVICES.map((s) => [s, { LOG_LEVEL: 'warn' }])),
  });
  // Never leave six orphaned services behind: on Ctrl-C, kill or a crash, stop them first.
  const abort = (why: string, code: number) => {
    progress(`${why}: stopping the services`);
    void platform.stop().finally(() => process.exit(code));
  };
  const onSignal = (signal: NodeJS.Signals) => abort(signal, 130);
  const onCrash = (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    abort('crashed', 1);
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal).once('uncaughtException', onCrash);
  progress(`starting the six services on ports ${PORT_BASE}-${PORT_BASE + 5} ...`);
  await platform.start();
  try {
    const inventoryDb = new URL(testing.testEnv().databaseUrl);
    inventoryDb.pathname = '/rc_inventory';
    const toppedUp = await topUpStock(inventoryDb.toString(), 50_000);
    progress(`stock: ${toppedUp} SKUs topped up to 50000 available units`);
    const skus = await catalogueSkus(platform.url('inventory'));
    const result = await measure(platform, skus, options, plan, machine);
    process.stdout.write(
      options.json ? `${JSON.stringify(result)}\n` : `\n${renderReport(result)}\n`,
    );
  } finally {
    progress('stopping the services');
    await platform.stop();
    process
      .removeListener('SIGINT', onSignal)
      .removeListener('SIGTERM', onSignal)
      .removeListener('uncaughtException', onCrash);
  }
}

async function measure(
  platform: PlatformUnderTest,
  skus: string[],
  options: BenchOptions,
  plan: BenchPlan,
  machine: MachineContext,
): Promise<CheckoutBenchResult> {
  const started = Date.now();
  const next = checkoutTraffic(skus, started.toString(36));
  let dispatcher = keepAliveAgent();
  const run = async (rateRps: number, seconds: number): Promise<StepResult> => {
    const idle = await settle();
    if (idle >= 35) progress(`(the CPU is still ${idle}% busy; measuring anyway)`);
    return runOpenLoop({
      origin: platform.url('checkout'),
      dispatcher,
      rateRps,
      seconds,
      next,
      okStatus: 201,
      timeoutMs: plan.requestTimeoutMs,
      sloMs: options.sloP99Ms,
    });
  };
  const line = (label: string, s: StepResult) =>
    progress(
      `${label}: ok ${s.ok}/${s.sent}, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, goodput ${s.goodputRps}/s, cpu ${s.cpuBusyPct}% ${JSON.stringify(s.statuses)}`,
    );

  progress(`warm-up: 10 rps for ${plan.warmupSeconds} s`);
  await run(10, plan.warmupSeconds);
  const slo = { p99Ms: options.sloP99Ms, maxErrorRatio: plan.maxErrorRatio };
  progress(`capacity search: ${plan.stepSeconds} s per rate, SLO p99 <= ${slo.p99Ms} ms`);
  const search = await searchCapacity(
    plan.rates,
    slo,
    (rate) => run(rate, plan.stepSeconds),
    (s) =>
      line(`${s.rateRps} rps${s.attempt > 1 ? ' (again)' : ''}${s.metSlo ? '' : ' MISSED'}`, s),
  );
  const halfRate = Math.max(5, Math.round(search.capacityRps / 2));
  progress(`half capacity: ${halfRate} rps for ${plan.halfSeconds} s`);
  const half = await run(halfRate, plan.halfSeconds);
  line(`${halfRate} rps`, half);

  // Overload, where the pipeline has work to do. Each side gets a fresh checkout process and
  // the same warm-up, so neither inherits the other's JIT state, breaker or limiter history.
  const comparisonRps = Math.max(20, Math.round(search.capacityRps * plan.overloadFactor));
  const compare = async (enabled: boolean): Promise<StepResult> => {
    const label = `pipeline ${enabled ? 'on' : 'off'}`;
    progress(
      `${label}: restarting checkout, warm-up, then ${comparisonRps} rps for ${plan.comparisonSeconds} s`,
    );
    await platform.restartWith('checkout', { RESILIENCE_PIPELINE_ENABLED: String(enabled) });
    await dispatcher.close();
    dispatcher = keepAliveAgent();
    await run(halfRate, plan.warmupSeconds);
    const step = await run(comparisonRps, plan.comparisonSeconds);
    line(label, step);
    return step;
  };
  const on = await compare(true);
  const off = await compare(false);
  await dispatcher.close();

  return {
    capacityRps: search.capacityRps,
    firstMissedRps: search.firstMissedRps ?? null,
    halfCapacityRps: halfRate,
    p50MsAtHalfCapacity: half.p50Ms,
    p99MsAtHalfCapacity: half.p99Ms,
    comparisonRps,
    pipelineOnOffThroughputRatio: onOffRatio(on.goodputRps, off.goodputRps),
    pipelineOnOffGoodputWithinSloRatio: onOffRatio(on.goodputWithinSloRps, off.goodputWithinSloRps),
    pipelineOn: on,
    pipelineOff: off,
    sloP99Ms: options.sloP99Ms,
    maxErrorRatio: plan.maxErrorRatio,
    quick: options.quick,
    steps: search.steps,
    halfCapacity: half,
    machine,
    startedAt: new Date(started).toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
  };
}

/** Keep-alive pool big enough that no request waits for a connection at the highest rate. */
function keepAliveAgent(): Agent {
  return new Agent({ connections: 4096, pipelining: 1, keepAliveTimeout: 30_000 });
}
