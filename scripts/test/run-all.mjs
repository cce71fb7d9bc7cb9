#!/usr/bin/env node
// The one test command (`npm test`, which CI also runs): format check, lint, type check, build,
// the deployment checks (scripts/deploy/check-all.sh), then the unit, integration and end-to-end
// suites of every project through Nx. Every stage runs even when an earlier one failed, so one
// run shows everything that is wrong. It ends with one line `N passed, N failed`: N counts Jest
// tests across the three suites, plus one per static stage (format, lint, typecheck, build,
// deploy) and one failure per suite that crashed without a report. The same line is written to
// reports/totals.txt. Exit code: 0 only when nothing failed.
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
  summary.push(
    `${stage.name.padEnd(12)} ${counts.passed} passed, ${counts.failed + crashed} failed` +
      `${counts.skipped ? `, ${counts.skipped} skipped` : ''} in ${counts.files} projects (${secs}s)`,
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
  const counts = { passed: 0, failed: 0, skipped: 0, files: 0 };
  if (!existsSync(dir)) return counts;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    counts.files++;
    counts.passed += report.numPassedTests;
    counts.failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
    counts.skipped += report.numPendingTests + report.numTodoTests;
  }
  return counts;
}
