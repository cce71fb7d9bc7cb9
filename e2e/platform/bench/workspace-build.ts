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
