import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * Builds every project (`nx run-many -t build`, cached) before the platform starts: the
 * services run from their dist folders, and at run time the workspace libs resolve to their
 * compiled output too. nx's output goes to stderr, so `--json` keeps stdout to one object.
 * @throws Error when the build fails.
 */
export async function buildWorkspace(root: string): Promise<void> {
  const nx = join(root, 'node_modules', '.bin', 'nx');
  const child = spawn(
    process.execPath,
    [nx, 'run-many', '-t', 'build', '--parallel=2', '--output-style=static'],
    {
      cwd: root,
      stdio: ['ignore', process.stderr, process.stderr],
      env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
    },
  );
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`the build failed (nx exited with ${code}); see above`);
}

/**
 * Runs a measurement file through scripts/bench/run.mjs in a fresh process (so the workspace
 * libraries it imports resolve to the build just made), with stdout and stderr inherited, and
 * sets this process's exit code to its own. A signal sent to this process alone (kill <pid>)
 * is passed on, so the measurement still stops the services it started.
 */
export async function runMeasurement(
  root: string,
  file: string,
  args: readonly string[],
): Promise<void> {
  const child = spawn(
    process.execPath,
    [join(root, 'scripts', 'bench', 'run.mjs'), file, ...args],
    { cwd: root, stdio: 'inherit' },
  );
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

/**
 * The whole of a load tool's entry point: builds the workspace (cached) unless `skipBuild`,
 * then runs `file` in a fresh process (see {@link runMeasurement}).
 */
export async function buildThenMeasure(run: {
  root: string;
  /** Prefix of the progress line, e.g. `bench:checkout`. */
  label: string;
  file: string;
  args: readonly string[];
  skipBuild: boolean;
}): Promise<void> {
  if (!run.skipBuild) {
    process.stderr.write(`[${run.label}] building the workspace (nx run-many -t build) ...\n`);
    await buildWorkspace(run.root);
  }
  await runMeasurement(run.root, run.file, run.args);
}
