import { join } from 'node:path';
import { type ServiceName, SERVICES } from '../activities/catalogue';
import type { LoadedExperiment } from '../experiment/load-experiment';
import { ChaosPlatform } from '../platform/chaos-platform';
import { SafetyNet } from '../platform/safety-net';
import { writeReport } from '../report/html-report';
import type { Journal } from './journal';
import { OpenLoopLoad } from '../load/open-loop-load';
import { Progress } from './progress';
import { runExperiment } from './run-experiment';

/** An experiment to run, optionally as a variant with some service environment changed. */
export type SuiteEntry = LoadedExperiment & {
  /** Environment merged over the experiment's `service_env` (e.g. a protection switched off). */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Names the variant in the journal and the report (e.g. `retry budget disabled`). */
  variant?: string;
};

/** Options of {@link runSuite}. */
export interface SuiteOptions {
  root: string;
  experiments: SuiteEntry[];
  quick: boolean;
  /** Where reports go (default `<root>/reports/chaos`). */
  reportsDir?: string;
  progress?: Progress;
  rateRps?: number;
  portBase?: number;
  /** Set by the caller's Ctrl-C handler. */
  interrupt?: AbortSignal;
}

/** One experiment's outcome: its journal and where its report is. */
export interface SuiteResult {
  journal: Journal;
  reportDir: string;
}

/**
 * Starts the platform once (with the fault proxies in its paths), runs the experiments one after
 * the other on it, writes each one's journal and report, and stops everything — also when an
 * experiment or the start-up throws. The safety net first undoes whatever a run killed with -9
 * left behind (frozen processes, burners, replicas).
 */
export async function runSuite(options: SuiteOptions): Promise<SuiteResult[]> {
  const progress = options.progress ?? new Progress();
  const reportsDir = options.reportsDir ?? join(options.root, 'reports', 'chaos');
  const safety = new SafetyNet(join(reportsDir, '.pending-undo.json'));
  for (const note of safety.recoverLeftovers()) progress.line(`left by an earlier run: ${note}`);
  const platform = new ChaosPlatform({
    root: options.root,
    portBase: options.portBase,
    log: (m) => progress.line(m),
  });
  const onExit = () => safety.undoAllSync();
  process.once('exit', onExit);
  const results: SuiteResult[] = [];
  try {
    await platform.start();
    await warmUp(platform, options.quick ? 8 : 15, options.rateRps ?? 10, progress);
    for (const loaded of options.experiments) {
      if (options.interrupt?.aborted) break;
      // A service an earlier experiment left dead (it crashed) is started again, and said so:
      // each experiment starts from the whole platform.
      for (const service of SERVICES) {
        if (platform.service(service).running) continue;
        progress.line(
          `${service} is not running (it exited during an earlier experiment): starting it`,
        );
        await platform.service(service).start();
      }
      safety.setOwnedProcesses(
        SERVICES.map((s) => platform.service(s).pid ?? 0).filter((p) => p > 0),
      );
      const journal = await runExperiment(loaded, {
        platform,
        safety,
        quick: options.quick,
        progress,
        interrupt: options.interrupt ?? new AbortController().signal,
        rateRps: options.rateRps,
        serviceEnv: loaded.serviceEnv,
        variant: loaded.variant,
      });
      const reportDir = writeReport(reportsDir, journal);
      progress.line(`report: ${join(reportDir, 'report.html')}`);
      results.push({ journal, reportDir });
      // Let the consumers work off what this experiment left, so the next starts from lag 0.
      await platform.lag
        .waitCaughtUp(120_000, (m) => progress.line(m))
        .catch((e: Error) => progress.line(e.message));
    }
  } finally {
    await safety.undoAll();
    await platform.stop();
    safety.setOwnedProcesses([]);
    process.removeListener('exit', onExit);
  }
  return results;
}

/**
 * Load before the first experiment, not judged: a platform just started answers its first
 * checkouts in seconds (JIT, connection pools, the consumers' first batches), which is not the
 * steady state any hypothesis is about.
 */
async function warmUp(
  platform: ChaosPlatform,
  seconds: number,
  rateRps: number,
  progress: Progress,
): Promise<void> {
  const res = await fetch(`${platform.url('inventory')}/v1/products`, {
    signal: AbortSignal.timeout(5_000),
  });
  const skus = ((await res.json()) as { items: { sku: string }[] }).items.map((p) => p.sku);
  const load = new OpenLoopLoad({
    origin: platform.url('checkout'),
    skus,
    customerPrefix: `chaos-warmup-${Date.now()}`,
    rateRps,
  });
  progress.line(`warming the platform up: ${seconds} s of checkouts at ${rateRps}/s`);
  load.start();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  await load.stop();
}
