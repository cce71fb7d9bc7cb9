import { join } from 'node:path';
import { parseSoakOptions } from './soak-options';
import { buildThenMeasure } from './workspace-build';

// npm run soak [-- --minutes 30] [--rate 35] [--warmup-seconds 60] [--json] [--skip-build]
//
// Builds the workspace (cached), then runs the soak (soak-measurement.ts) in a fresh process,
// like bench:checkout: the services and the @rc/testing it imports must be the new build.
// e2e/platform/README.md explains what it measures and the figures of a run.

const ROOT = join(__dirname, '..', '..', '..');

/** Entry point (scripts/bench/run.mjs calls it with the arguments after the file). */
export async function main(args: string[]): Promise<void> {
  const { skipBuild } = parseSoakOptions(args); // refuse bad arguments before building anything
  const file = join(__dirname, 'soak-measurement.ts');
  await buildThenMeasure({ root: ROOT, label: 'soak', file, args, skipBuild });
}
