#!/usr/bin/env node
// The one test command (`npm test`, which CI also runs): format check, lint, type check, build,
// the deployment checks (scripts/deploy/check-all.sh), then the unit, integration and end-to-end
// suites of every project through Nx. Every stage runs even when an earlier one failed, so one
// run shows everything that is wrong. It ends with one line `N passed, N failed`: N counts Jest
// tests across the three suites, plus one per static stage (format, lint, typecheck, build,
// deploy), one failure per suite that crashed without a report and one per project whose suite
// ran fewer tests than its floor in scripts/test/test-floors.json (a suite that silently stopped
// finding its tests passes otherwise). The same line is written to reports/totals.txt.
// Exit code: 0 only when nothing failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
process.chdir(root);

// Re-run under Node 24 when started by an older Node (e.g. `npm test` with the machine's Node 20).
if (Number(process.versions.node.split('.')[0]) < 24 && !process.env.RC_NODE_REEXEC) {
  const r = spawnSync(
    'bash',
    [
      '-c',
      'source scripts/node-env.sh && exec node scripts/test/run-all.mjs "$@"',
      '--',
      ...process.argv.slice(2),
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, RC_NODE_REEXEC: '1' },
    },
  );
  process.exit(r.status ?? 1);
}

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0' };
const stages = [
  { name: 'format', cmd: ['npx', 'prettier', '--check', '.'] },
  { name: 'lint', cmd: ['npx', 'nx', 'run-many', '-t', 'lint', '--parallel=2'] },
  { name: 'typecheck', cmd: ['npx', 'nx', 'run-many', '-t', 'typecheck', '--parallel=2'] },
  { name: 'build', cmd: ['npx', 'nx', 'run-many', '-t', 'build', '--parallel=2'] },
  // Deployment assets: promtool rule tests, dashboards vs exported metrics, compose file,
  // Dockerfiles, and each service's production build started from its output.
  { name: 'deploy', cmd: ['bash', 'scripts/deploy/check-all.sh'] },
  { name: 'unit', suite: 'unit', cmd: ['npx', 'nx', 'run-many', '-t', 'test', '--parallel=2'] },
  {
    name: 'integration',
    suite: 'int',
    cmd: ['npx', 'nx', 'run-many', '-t', 'test-int', '--parallel=1'],
  },
  { name: 'e2e', suite: 'e2e', cmd: ['npx', 'nx', 'run-many', '-t', 'test-e2e', '--parallel=1'] },
];

const reports = join(root, 'reports', 'jest');
/** Minimum tests per suite and project: { unit: { inventory: 42, ... }, int: {...}, e2e: {...} }. */
const floors = JSON.parse(readFileSync(join(root, 'scripts', 'test', 'test-floors.json'), 'utf8'));
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

let passed = 0;
let failed = 0;
const summary = [];
for (const stage of stages) {
  const started = Date.now();
  console.log(`\n=== ${stage.name}: ${stage.cmd.join(' ')}`);
  const result = spawnSync(stage.cmd[0], stage.cmd.slice(1), { stdio: 'inherit', env });
  const ok = result.status === 0;
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (!stage.suite) {
    ok ? passed++ : failed++;
    summary.push(`${stage.name.padEnd(12)} ${ok ? 'ok' : 'FAILED'} (${secs}s)`);
    continue;
  }
  const counts = suiteCounts(stage.suite);
  passed += counts.passed;
  failed += counts.failed;
  // A failing Nx run whose reports show no failed test means a suite crashed or did not report.
  const crashed = !ok && counts.failed === 0 ? 1 : 0;
  failed += crashed;
  const short = belowFloor(stage.suite, counts.totals);
  failed += short.length;
  summary.push(
    `${stage.name.padEnd(12)} ${counts.passed} passed, ${counts.failed + crashed + short.length} failed` +
      `${counts.skipped ? `, ${counts.skipped} skipped` : ''} in ${counts.files} projects (${secs}s)`,
    ...short,
  );
}

console.log('\n=== summary');
for (const line of summary) console.log(line);
const totals = `${passed} passed, ${failed} failed`;
writeFileSync(join(root, 'reports', 'totals.txt'), `${totals}\n`);
console.log(totals);
process.exit(failed === 0 ? 0 : 1);

/** Sums the Jest JSON reports a suite's projects wrote under reports/jest/<suite>/. */
function suiteCounts(suite) {
  const dir = join(reports, suite);
  const counts = { passed: 0, failed: 0, skipped: 0, files: 0, totals: {} };
  if (!existsSync(dir)) return counts;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    counts.files++;
    counts.totals[file.replace(/\.json$/, '')] = report.numTotalTests;
    counts.passed += report.numPassedTests;
    counts.failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
    counts.skipped += report.numPendingTests + report.numTodoTests;
  }
  return counts;
}

/**
 * One summary line per project whose suite reported fewer tests (skipped ones included: those are
 * the lint rule jest/no-disabled-tests' business) than its floor; no report counts as 0 tests.
 */
function belowFloor(suite, totals) {
  return Object.entries(floors[suite] ?? {})
    .filter(([project, floor]) => (totals[project] ?? 0) < floor)
    .map(
      ([project, floor]) =>
        `  ${project}: ${totals[project] ?? 'no report, 0'} tests, fewer than its floor ${floor}` +
        ' (scripts/test/test-floors.json)',
    );
}
