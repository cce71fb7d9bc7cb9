import { join } from 'node:path';
import { parseBenchOptions } from './bench-options';
import { buildThenMeasure } from './workspace-build';

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
  const { skipBuild } = parseBenchOptions(args); // refuse bad arguments before building anything
  const file = join(__dirname, 'checkout-measurement.ts');
  await buildThenMeasure({ root: ROOT, label: 'bench:checkout', file, args, skipBuild });
}
