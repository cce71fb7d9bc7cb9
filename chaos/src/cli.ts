import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUE } from './activities/catalogue';
import { renderInto } from './report/html-report';
import { latestJournals, summaryMarkdown } from './report/summary';
import type { Journal } from './run/journal';
import type { runSuite as RunSuite } from './run/suite';
import {
  experimentFiles,
  loadExperimentFile,
  type LoadedExperiment,
} from './experiment/load-experiment';

/** Repository root (chaos/src → ../..). */
const ROOT = join(__dirname, '..', '..');
const EXPERIMENTS = join(ROOT, 'chaos', 'experiments');

const USAGE = `usage: npm run chaos -- list
       npm run chaos -- run <experiment>… [--quick] [--json] [--rate <rps>] [--skip-build]
       npm run chaos -- run --all [--quick] [--json]
       npm run chaos -- functions          (the harness functions an experiment may use)
       npm run chaos -- summary            (a Markdown table of each experiment's latest run)
       npm run chaos -- render <run dir>…  (report.html and timeline.svg again from journal.json)`;

/**
 * The chaos CLI. `list` shows the experiments; `run` builds the workspace (cached), starts the
 * platform with the fault proxies in its paths, runs the experiments, writes
 * reports/chaos/<experiment>/<time>/{journal.json,report.html,timeline.svg} and exits non-zero
 * when a hypothesis failed. Ctrl-C stops the run at once and still runs every rollback.
 */
export async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  const flags = new Set(rest.filter((a) => a.startsWith('--')));
  if (command === 'list') {
    for (const file of experimentFiles(EXPERIMENTS)) {
      const { id, experiment } = loadExperimentFile(file);
      console.log(`${id.padEnd(34)} ${experiment.title}  [${experiment.tags.join(', ')}]`);
    }
    return;
  }
  if (command === 'render') {
    // Re-renders report.html and timeline.svg of the given run folders from their journals.
    for (const dir of rest.filter((a) => !a.startsWith('--')))
      renderInto(dir, JSON.parse(readFileSync(join(dir, 'journal.json'), 'utf8')) as Journal);
    return;
  }
  if (command === 'summary') {
    console.log(summaryMarkdown(latestJournals(join(ROOT, 'reports', 'chaos'))));
    return;
  }
  if (command === 'functions') {
    for (const [name, entry] of Object.entries(CATALOGUE))
      console.log(`${entry.kind.padEnd(7)} ${name.padEnd(26)} ${entry.doc}`);
    return;
  }
  if (command !== 'run') {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const rateAt = rest.indexOf('--rate');
  const rateRps = rateAt >= 0 ? Number(rest[rateAt + 1]) : undefined;
  const ids = rest.filter((a, i) => !a.startsWith('--') && rest[i - 1] !== '--rate');
  const all = experimentFiles(EXPERIMENTS).map(loadExperimentFile);
  let chosen: LoadedExperiment[];
  if (flags.has('--all')) chosen = all;
  else {
    const unknown = ids.filter((id) => !all.some((e) => e.id === id));
    if (ids.length === 0 || unknown.length > 0) {
      console.error(
        unknown.length
          ? `unknown experiment: ${unknown.join(', ')} (see: npm run chaos -- list)`
          : USAGE,
      );
      process.exitCode = 2;
      return;
    }
    chosen = ids.map((id) => all.find((e) => e.id === id)!);
  }
  if (!flags.has('--skip-build')) {
    console.error('[chaos] building the workspace (nx, cached) …');
    const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--parallel=2'], {
      cwd: ROOT,
      stdio: ['ignore', process.stderr, 'inherit'],
      env: { ...process.env, NX_DAEMON: 'false' },
    });
    if (build.status !== 0) throw new Error('the build failed');
  }
  // Loaded after the build: @rc/testing resolves to its freshly built output.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately late, see above
  const { runSuite } = require('./run/suite') as { runSuite: typeof RunSuite };
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts === 1) {
      console.error(`\n[chaos] ${sig}: stopping — rolling back (press Ctrl-C again to force)`);
      controller.abort();
    } else process.exit(130); // the 'exit' hook still SIGCONTs frozen processes and kills burners
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const results = await runSuite({
    root: ROOT,
    experiments: chosen,
    quick: flags.has('--quick'),
    rateRps,
    interrupt: controller.signal,
  });
  const summary = results.map(({ journal: j, reportDir }) => ({
    experiment: j.experiment.id,
    status: j.status,
    seconds: j.durationSeconds,
    report: join(reportDir, 'report.html'),
    judgements: j.judgements.map((x) => ({
      phase: x.phase,
      probe: x.probe,
      value: x.value,
      expected: x.expected,
      ok: x.ok,
    })),
    fault: j.figures.fault,
  }));
  if (flags.has('--json')) console.log(JSON.stringify({ results: summary }, null, 2));
  else {
    console.log('\nexperiment                          status       seconds  report');
    for (const s of summary)
      console.log(
        `${s.experiment.padEnd(35)} ${s.status.padEnd(12)} ${String(s.seconds).padStart(7)}  ${s.report}`,
      );
  }
  const ok =
    results.length === chosen.length && results.every((r) => r.journal.status === 'completed');
  process.exitCode = controller.signal.aborted ? 130 : ok ? 0 : 1;
}
