import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseBenchOptions } from './bench-options';
import { buildWorkspace } from './workspace-build';

// npm run bench:checkout [-- --json] [--quick] [--slo-ms 1000] [--skip-build]
//
// Builds the workspace (cached), then runs the measurement (checkout-measurement.ts) in a fresh
// process: the services run from their dist folders, and at run time the workspace libraries
// it imports (@rc/testing) resolve to their compiled output — which must be the new build.
// The measurement inherits stdout (the report, or exactly one JSON object with --json) and
// stderr (progress). e2e/platform/README.md explains the method and the measured figures.

const ROOT = join(__dirname, '..', '..', '..');

/** Entry point (scripts/bench/run.mjs calls it with the arguments after the file). */
export async function main(args: string[]): Promise<void> {
  const options = parseBenchOptions(args); // refuse bad arguments before building anything
  if (!options.skipBuild) {
    process.stderr.write('[bench:checkout] building the workspace (nx run-many -t build) ...\n');
    await buildWorkspace(ROOT);
  }
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'scripts', 'bench', 'run.mjs'),
      join(__dirname, 'checkout-measurement.ts'),
      ...args,
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  // A signal sent to this process alone (kill <pid>) must still let the measurement stop the
  // services it started.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward).on('SIGTERM', forward);
  try {
    const code = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
    });
    if (code !== 0) process.exitCode = code;
  } finally {
    process.removeListener('SIGINT', forward).removeListener('SIGTERM', forward);
  }
}
