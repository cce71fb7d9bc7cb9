import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { createWriteStream, existsSync, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** How to start one service as a real OS process from its production build. */
/**
 * V8 flags every service process runs with, here and in its image (the image sets the same
 * `NODE_OPTIONS`; service-node-options.spec.ts keeps them equal). Measured in
 * docs/PERFORMANCE.md (seventh round):
 * - 16 MiB semi-spaces (32 MiB of new space): a 4 MiB semi-space saved ~24 MiB per service at
 *   rest, but cost CPU past a service's shedding limit (+5 to +40 % per request, GC pauses
 *   doubled) and changed payment's GC under the memory-pressure experiment (major GC time
 *   during the leak 0.07 s, the heap not back down 20 s after the leak let go), so it is not
 *   taken until a quiet-machine benchmark shows its CPU cost;
 * - a 192 MiB old-space bound: below 256 MiB V8 grows the heap by at most 1.3× its live size
 *   after a full GC instead of up to 4× (the default bound on a machine with gigabytes of RAM),
 *   so a service's heap stays near its ~30–50 MiB of live objects after a burst; the bound
 *   itself is 2–3× the largest old space seen after the benchmark's overload steps, and fits
 *   every service's container limit (256 MiB and up) with the binary and native memory;
 * - `--expose-gc`: V8's `gc`, which `@rc/platform`'s `HeapReleaseAtRest` calls once a service
 *   has settled at rest after load, to give its spare heap back (eighteenth round).
 */
export const SERVICE_NODE_OPTIONS = '--max-semi-space-size=16 --max-old-space-size=192 --expose-gc';

/**
 * Environment every service process gets unless the caller sets it (the image sets it too):
 * glibc keeps up to 8 malloc arenas per core, one per thread that allocates (V8's compiler and
 * GC threads, libuv's pool), each holding its freed memory; two arenas keep a service's native
 * memory near what it uses.
 */
export const SERVICE_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/** `NODE_OPTIONS` for a service process: {@link SERVICE_NODE_OPTIONS}, then the caller's own. */
export function serviceNodeOptions(callerNodeOptions?: string): string {
  return [SERVICE_NODE_OPTIONS, callerNodeOptions?.trim()].filter(Boolean).join(' ');
}

export interface ServiceProcessOptions {
  /** Service folder name under services/. */
  name: string;
  /** Repository root (the folder holding services/). */
  root: string;
  /** Port the service listens on (passed as PORT). */
  port: number;
  /** Extra environment (config keys of the service). */
  env?: Record<string, string>;
  /** Where stdout/stderr go; default `<root>/reports/logs/<name>.log` (appended). */
  logFile?: string;
  /** How long to wait for `/health/ready` to answer 200. Default 30 s. */
  readyTimeoutMs?: number;
  /** Also echo each output line to this process's stdout, prefixed with `[name]` (`npm start`). */
  echo?: boolean;
  /** Nice value (absolute) the process runs at; unset or 0 leaves the default. See TIER_NICENESS. */
  niceness?: number;
}

/**
 * The script a service's processes run: its package.json's `main` (the six backend services:
 * `dist/bundle/main.js`, the bundle their build writes; the console: `dist/main.js`).
 * @throws Error when the package.json is missing or names no `main`
 */
export function serviceEntry(root: string, name: string): string {
  const manifest = join(root, 'services', name, 'package.json');
  let main: unknown;
  try {
    main = (JSON.parse(readFileSync(manifest, 'utf8')) as { main?: unknown }).main;
  } catch (error) {
    throw new Error(`${name}: cannot read ${manifest}: ${(error as Error).message}`);
  }
  if (typeof main !== 'string' || main === '')
    throw new Error(`${name}: ${manifest} names no "main" script to run`);
  return join(root, 'services', name, main);
}

/**
 * One running service process, started from its package.json's `main` ({@link serviceEntry}:
 * `services/<name>/dist/bundle/main.js` for the backend services) with Node, waited on
 * until `/health/ready` answers 200. End-to-end tests kill and restart it to prove degradation
 * and recovery.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);

  constructor(private readonly options: ServiceProcessOptions) {}

  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  /** The process id while it runs. */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  /** The file its stdout and stderr are appended to. */
  get logFile(): string {
    return (
      this.options.logFile ?? join(this.options.root, 'reports', 'logs', `${this.options.name}.log`)
    );
  }

  /** Whether the process is alive. */
  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  /** Spawns the process and resolves once it is ready; rejects (with its log path) if it exits or times out. */
  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.options.name} is already running`);
    const entry = serviceEntry(this.options.root, this.options.name);
    if (!existsSync(entry))
      throw new Error(
        `${this.options.name}: ${entry} is missing; build first (npx nx run-many -t build)`,
      );
    const logFile = this.logFile;
    mkdirSync(join(logFile, '..'), { recursive: true });
    this.log = createWriteStream(logFile, { flags: 'a' });
    const env: NodeJS.ProcessEnv = { ...SERVICE_ENV, ...process.env, ...this.options.env };
    const child = spawn(process.execPath, [entry], {
      cwd: join(this.options.root, 'services', this.options.name),
      env: {
        ...env,
        // As in the image: the flags go in NODE_OPTIONS, and flags the caller passes there
        // (a chaos experiment's smaller heap bound) come after them and win.
        NODE_OPTIONS: serviceNodeOptions(env.NODE_OPTIONS),
        PORT: String(this.options.port),
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    if (this.options.niceness && child.pid !== undefined) {
      try {
        setPriority(child.pid, this.options.niceness);
      } catch {
        // Not permitted here (a restricted container): the service runs at normal priority.
      }
    }
    for (const stream of [child.stdout, child.stderr]) {
      stream?.pipe(this.log, { end: false });
      if (this.options.echo) {
        createInterface({ input: stream }).on('line', (line) =>
          process.stdout.write(`[${this.options.name}] ${line}\n`),
        );
      }
    }
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await this.waitUntilReady(logFile);
  }

  /** Sends `signal` and waits for the process to exit (SIGKILL after `graceMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<number | null> {
    if (!this.child || !this.running) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    this.log?.end();
    return code;
  }

  /** Kills the process abruptly (SIGKILL): no graceful shutdown, as in a crash. */
  async kill(): Promise<void> {
    await this.stop('SIGKILL', 0);
  }

  private async waitUntilReady(logFile: string): Promise<void> {
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new Error(
          `${this.options.name} exited during start-up (code ${this.child?.exitCode}); see ${logFile}`,
        );
      }
      try {
        const res = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await this.stop('SIGKILL', 0);
    throw new Error(`${this.options.name} was not ready on ${this.url} in time; see ${logFile}`);
  }
}
