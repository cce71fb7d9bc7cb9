import { join } from 'node:path';
import { testEnv } from '@rc/testing';
import { withBenchPlatform } from './bench-platform';
import { machineContext } from './machine-context';
import { parseSoakOptions, SOAK_SERVICE_ENV } from './soak-options';
import { writeSoakReport, renderSoakText } from './soak-html';
import { summariseSoak, type SoakResult } from './soak-report';
import { runSoak } from './soak-run';
import { PLATFORM_CONSUMER_GROUPS, waitForGroupsCaughtUp } from '../test/support/kafka-events';

// The measuring half of `npm run soak` (soak.ts builds the workspace, then runs this file).
//
// Starts the platform as the checkout benchmark does (bench-platform.ts), with housekeeping
// every minute and the shortest retentions (SOAK_SERVICE_ENV), waits until it is at rest, then
// drives open-loop checkouts at a fixed rate: a warm-up, then the soak, sampling every 10 s
// each service's RSS and event-loop delay p99 and the bookkeeping tables' rows. Progress on
// stderr; the text report (or one JSON object with --json) on stdout; always
// reports/soak/soak.json and reports/soak/soak.html (charts). Exits non-zero when a service
// went down, 1 % or more of the checkouts failed, or a run of 30 min or more missed the target.

const ROOT = join(__dirname, '..', '..', '..');
/** Apart from npm start (3000+), the e2e suites (3110–3200) and bench:checkout (3200). */
const PORT_BASE = 3210;
const progress = (msg: string) => process.stderr.write(`[soak] ${msg}\n`);

/** Runs the soak (scripts/bench/run.mjs calls it with the soak's arguments). */
export async function main(args: string[]): Promise<void> {
  const options = parseSoakOptions(args);
  const machine = await machineContext();
  if (machine.otherPlatformPorts.length > 0)
    progress(
      `warning: other platform processes listen on ${machine.otherPlatformPorts.join(', ')} — they share the CPU`,
    );
  const seconds = Math.round(options.minutes * 60);
  const checkouts = Math.ceil(options.rateRps * (options.warmupSeconds + seconds));
  const platform = {
    root: ROOT,
    portBase: PORT_BASE,
    tierPriority: true,
    samplingRatio: 0.1,
    env: SOAK_SERVICE_ENV,
    // Enough for the whole run even if every checkout ordered the same SKU.
    stockUnits: Math.max(50_000, checkouts),
    progress,
  };
  const result = await withBenchPlatform(platform, async (run) => {
    await waitForGroupsCaughtUp(PLATFORM_CONSUMER_GROUPS, {
      timeoutMs: 180_000,
      onProgress: progress,
    });
    progress(
      `${options.rateRps} checkouts/s: ${options.warmupSeconds} s warm-up, then ${options.minutes} min measured`,
    );
    const record = await runSoak({
      platform: run.platform,
      skus: run.skus,
      databaseUrl: testEnv().databaseUrl,
      rateRps: options.rateRps,
      warmupSeconds: options.warmupSeconds,
      seconds,
      sampleSeconds: options.sampleSeconds,
      progress,
    });
    const r: SoakResult = { ...record, summary: summariseSoak(record), machine };
    progress('rendering reports/soak/soak.html (vega) ...');
    const files = await writeSoakReport(ROOT, r);
    if (options.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    else
      process.stdout.write(
        `\n${renderSoakText(r)}\n\nreport: ${files.html}\njson:   ${files.json}\n`,
      );
    return r;
  });
  const s = result.summary;
  if (s.servicesDown.length > 0 || s.load.errorRatio >= 0.01 || (s.memory.judged && !s.memory.pass))
    process.exitCode = 1;
}
