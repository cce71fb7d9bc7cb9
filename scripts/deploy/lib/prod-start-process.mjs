// Running an image's commands as plain processes: the CMD (output kept in a log file and its
// last lines in memory), the HEALTHCHECK command with its timeout, a graceful stop, a free port.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

/** The argv with the image's `node` replaced by this Node (the same major, checked by the caller). */
export function localArgv(argv) {
  return argv[0] === 'node' ? [process.execPath, ...argv.slice(1)] : argv;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs a command to its end without blocking this process (the other service being checked
 * keeps being watched); its exit code and output.
 * @returns {Promise<{status: number|null, output: string}>}
 */
export function capture(argv, { cwd, env = process.env }) {
  return new Promise((resolve) => {
    const chunks = [];
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => chunks.push(d));
    child.stderr.on('data', (d) => chunks.push(d));
    child.once('error', (e) => resolve({ status: null, output: e.message }));
    child.once('close', (status) => resolve({ status, output: Buffer.concat(chunks).toString() }));
  });
}

/** Runs a command to its end (killed after `timeoutMs`); its exit code, null when killed. */
export function runOnce(argv, { cwd, env, timeoutMs }) {
  return new Promise((resolve) => {
    const [cmd, ...args] = localArgv(argv);
    const child = spawn(cmd, args, { cwd, env, stdio: 'ignore', timeout: timeoutMs });
    child.once('error', () => resolve(null));
    child.once('exit', (code) => resolve(code));
  });
}

/** The image's CMD running as a process of the current user. */
export class CmdProcess {
  /** @param {{argv: string[], cwd: string, env: Record<string, string>, logFile: string}} options */
  constructor(options) {
    this.options = options;
    this.lines = [];
    const [cmd, ...args] = localArgv(options.argv);
    this.log = createWriteStream(options.logFile);
    this.child = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => {
      this.child.once('error', (e) => {
        this.lines.push(`spawn failed: ${e.message}`);
        resolve({ code: null, signal: null });
      });
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream.pipe(this.log, { end: false });
      createInterface({ input: stream }).on('line', (line) => {
        this.lines.push(line);
        if (this.lines.length > 200) this.lines.shift();
      });
    }
  }

  /** Whether the process has not exited. */
  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last `n` lines it wrote (stdout and stderr). */
  lastLines(n) {
    return this.lines.slice(-n);
  }

  /**
   * Sends `signal`, waits up to `boundMs` for the exit, then SIGKILLs.
   * @returns {Promise<{code: number|null, signal: string|null, ms: number, killed: boolean}>}
   */
  async stop(signal, boundMs) {
    const started = Date.now();
    if (this.running) this.child.kill(signal);
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      this.child.kill('SIGKILL');
    }, boundMs);
    const { code, signal: by } = await this.exited;
    clearTimeout(timer);
    await new Promise((resolve) => this.log.end(resolve));
    return { code, signal: by, ms: Date.now() - started, killed };
  }
}

/**
 * A loopback stand-in for the OpenTelemetry collector: accepts every OTLP/HTTP export (200, empty
 * body). Without one, a span batch pending at SIGTERM is retried against an unreachable endpoint
 * for seconds (8 s measured for cart): the no-collector case, not the image's.
 * @returns {Promise<{url: string, close: () => Promise<void>}>}
 */
export async function otlpSink() {
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Runs the HEALTHCHECK command (each run bounded by its --timeout) every second, instead of its
 * --interval, until it exits 0, the process exits, or `boundMs` passes.
 * @returns {Promise<{outcome: 'healthy'|'exited'|'timeout', probes: number}>}
 */
export async function waitForHealthcheck(proc, health, { cwd, env, boundMs }) {
  const deadline = Date.now() + boundMs;
  for (let probes = 1; ; probes++) {
    if (!proc.running) return { outcome: 'exited', probes: probes - 1 };
    const code = await runOnce(health.argv, { cwd, env, timeoutMs: health.timeoutMs });
    if (code === 0) return { outcome: 'healthy', probes };
    if (Date.now() > deadline) return { outcome: 'timeout', probes };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

// Run inside the runtime tree: the built config schema (dist/config/*.config.js, exports with a
// zod `shape`) and @rc/platform's own isSecret, resolved as the service resolves them.
const SCHEMA_PROBE = `
const { readdirSync, existsSync } = require('node:fs');
const { isSecret } = require('@rc/platform');
const out = { keys: [], secrets: [] };
const dir = 'dist/config';
for (const f of existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.config.js')) : []) {
  for (const v of Object.values(require('./' + dir + '/' + f))) {
    const shape = v?.shape ?? v?.def?.in?.shape;
    if (!shape || typeof shape !== 'object') continue;
    for (const [k, s] of Object.entries(shape)) {
      out.keys.push(k);
      if (isSecret(s)) out.secrets.push(k);
    }
  }
}
process.stdout.write(JSON.stringify(out));`;

/**
 * The keys of the service's config schema and those it marks secret, asked of the built schema
 * in the runtime tree (so a key made secret through any helper counts).
 * @returns {{keys: Set<string>, secrets: Set<string>}}
 */
export async function configFacts(cwd) {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const r = await capture([process.execPath, '-e', SCHEMA_PROBE], { cwd, env });
  if (r.status !== 0) {
    const lines = r.output.trim().split('\n');
    const cause = lines.find((l) => /^\w*Error\b|^Error:/.test(l)) ?? lines.at(-1);
    throw new Error(`reading the config schema from dist/config failed: ${cause}`);
  }
  // The answer is the last line: a module may print while it loads.
  const { keys, secrets } = JSON.parse(r.output.trim().split('\n').at(-1));
  if (keys.length === 0) {
    throw new Error('no config schema in dist/config/*.config.js: its secret keys are unknown');
  }
  return { keys: new Set(keys), secrets: new Set(secrets) };
}
