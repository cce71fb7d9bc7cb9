import { join } from 'node:path';
import {
  PlatformUnderTest,
  requireKafka,
  requirePostgres,
  requireRedis,
  testEnv,
} from '@rc/testing';
import { benchPlan, parseBenchOptions, type BenchOptions, type BenchPlan } from './bench-options';
import { onOffRatio, renderReport, type CheckoutBenchResult } from './bench-report';
import { searchCapacity } from './capacity-search';
import { catalogueSkus, checkoutTraffic, topUpStock } from './checkout-traffic';
import { LoadRunner } from './load-runner';
import { machineContext, type MachineContext } from './machine-context';
import { comparePipeline } from './pipeline-comparison';
import type { StepResult } from './step-result';
import { PLATFORM_CONSUMER_GROUPS, waitForGroupsCaughtUp } from '../test/support/kafka-events';

// The measuring half of `npm run bench:checkout` (checkout.bench.ts builds the workspace, then
// runs this file in a fresh process: @rc/testing and the services must come from the new build).
//
// Open-loop load on POST /v1/checkout of the real platform — six service processes, Postgres,
// Redis and Kafka — in one run: (1) capacity: the highest arrival rate with p99 within the SLO
// and < 0.1 % errors; (2) p50/p99 at half capacity; (3) goodput at capacity and at twice
// capacity with checkout's resilience pipeline on, then off (checkout restarted with
// RESILIENCE_PIPELINE_ENABLED=false). Progress on stderr; the report (or --json) on stdout.
// e2e/platform/README.md explains the method and the figures measured on the dev machine.

const ROOT = join(__dirname, '..', '..', '..');
const PORT_BASE = 3200; // apart from npm start (3000+) and the e2e suites (3110–3165)
const SERVICES = ['checkout', 'cart', 'payment', 'inventory', 'recommendations', 'analytics'];
const progress = (msg: string) => process.stderr.write(`[bench:checkout] ${msg}\n`);

/** Runs the measurement (scripts/bench/run.mjs calls it with the bench's arguments). */
export async function main(args: string[]): Promise<void> {
  const options = parseBenchOptions(args);
  const plan = benchPlan(options);
  await Promise.all([requirePostgres(), requireRedis(), requireKafka()]);
  const machine = await machineContext();
  if (machine.otherPlatformPorts.length > 0)
    progress(
      `warning: other platform processes listen on ${machine.otherPlatformPorts.join(', ')} — they share the CPU: figures will be noisy`,
    );

  const platform = new PlatformUnderTest({
    root: ROOT,
    portBase: PORT_BASE,
    // Waits (with progress on stderr) while an end-to-end suite holds the platform lock.
    lockWaitMs: 600_000,
    // Logs at warn: per-request info lines would bill log formatting to the figures.
    env: Object.fromEntries(SERVICES.map((s) => [s, { LOG_LEVEL: 'warn' }])),
  });
  // Never leave six orphaned services behind: on Ctrl-C, kill or a crash, stop them first
  // (once: Ctrl-C reaches this process both from the terminal and through the parent).
  let aborting = false;
  const abort = (why: string, code: number) => {
    if (aborting) return;
    aborting = true;
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
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal).on('uncaughtException', onCrash);
  progress(`starting the six services on ports ${PORT_BASE}-${PORT_BASE + 5} ...`);
  await platform.start();
  try {
    const inventoryDb = new URL(testEnv().databaseUrl);
    inventoryDb.pathname = '/rc_inventory';
    const toppedUp = await topUpStock(inventoryDb.toString(), 50_000);
    progress(`stock: ${toppedUp} SKUs topped up to 50000 available units`);
    const skus = await catalogueSkus(platform.url('inventory'));
    const result = await measure(platform, skus, options, plan, machine);
    // Another run may have started meanwhile: report every platform seen, at the start or end.
    const seen = new Set([
      ...machine.otherPlatformPorts,
      ...(await machineContext()).otherPlatformPorts,
    ]);
    result.machine.otherPlatformPorts = [...seen].sort((a, b) => a - b);
    process.stdout.write(
      options.json ? `${JSON.stringify(result)}\n` : `\n${renderReport(result)}\n`,
    );
  } finally {
    // The bench's orders leave a backlog in the consumer groups every platform run shares;
    // stopping now would hand it to the next run (an e2e suite would wait it out).
    progress('letting the consumers catch up before stopping (their groups are shared)');
    await waitForGroupsCaughtUp(PLATFORM_CONSUMER_GROUPS, {
      timeoutMs: 600_000,
      onProgress: progress,
    }).catch((e: unknown) => progress(`warning: ${e instanceof Error ? e.message : String(e)}`));
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
  const runner = new LoadRunner({
    origin: platform.url('checkout'),
    next: checkoutTraffic(skus, started.toString(36)),
    okStatus: 201,
    timeoutMs: plan.requestTimeoutMs,
    sloMs: options.sloP99Ms,
    onBusy: (busy) => progress(`(the CPU is still ${busy}% busy after 10 s; measuring anyway)`),
  });
  const log = (label: string, s?: StepResult) =>
    progress(
      s
        ? `${label}: ok ${s.ok}/${s.sent}, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, goodput ${s.goodputRps}/s, cpu ${s.cpuBusyPct}% ${JSON.stringify(s.statuses)}`
        : label,
    );
  try {
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
    const halfRate = Math.max(5, Math.round(search.capacityRps / 2));
    log(`half capacity: ${halfRate} rps for ${plan.halfSeconds} s`);
    const half = await runner.step(halfRate, plan.halfSeconds);
    log(`${halfRate} rps`, half);

    const capacityRps = Math.max(10, search.capacityRps);
    const { atCapacity, overload } = await comparePipeline(
      platform,
      runner,
      {
        capacityRps,
        overloadRps: Math.round(capacityRps * plan.overloadFactor),
        warmupRps: halfRate,
        warmupSeconds: plan.warmupSeconds,
        seconds: plan.comparisonSeconds,
      },
      log,
    );
    return {
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
