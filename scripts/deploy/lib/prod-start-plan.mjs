// What a service image contains and how it starts, read from its Dockerfile so that
// ../check-prod-start.mjs can rebuild the runtime tree without Docker: the runtime stage's
// COPY --from lines (with the stage each copies from and what that stage is), ENV, WORKDIR, USER,
// HEALTHCHECK and CMD, and the deps stage's production install. Pure: reads no file.
import { posix } from 'node:path';
import { findStage, parseStages } from './dockerfile.mjs';
import { npmInstalls, PROD_ONLY } from './dockerfile-rules.mjs';

/**
 * @typedef {{path: string, rel?: string}} Source a path in the source stage; `rel` is it relative
 *   to the folder the check has for that stage (undefined when outside it: not followable)
 * @typedef {{line: number, from: string, role: 'build'|'deps'|'context', sources: Source[], dest: string, destIsDir: boolean}} Copy
 * @typedef {{argv: string[], timeoutMs: number, intervalMs: number, startPeriodMs: number, retries: number}} Healthcheck
 * @typedef {{argv: string[], workdir: string, stage: string, line: number}} ProdInstall
 * @typedef {{workdir: string, user?: string, env: Record<string, string>, cmd: string[], health?: Healthcheck,
 *   copies: Copy[], prodInstall?: ProdInstall, buildCommands: string[], madeDirs: {from: string, path: string}[],
 *   problems: string[]}} RuntimePlan `madeDirs`: folders a build stage makes with `mkdir -p` (empty
 *   unless its build writes into them: the check makes them when the repository has none)
 */

/** Words of a shell-like text: blanks split, quotes group (a backslash escapes in "…"). */
export function shellWords(text) {
  const words = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|((?:[^\s"'\\]|\\.)+)|(\s+)/g;
  let current;
  for (const m of text.matchAll(re)) {
    if (m[4] !== undefined) {
      if (current !== undefined) words.push(current);
      current = undefined;
      continue;
    }
    const part = m[1]?.replace(/\\(.)/g, '$1') ?? m[2] ?? m[3].replace(/\\(.)/g, '$1');
    current = (current ?? '') + part;
  }
  if (current !== undefined) words.push(current);
  return words;
}

/** The argv of a CMD/HEALTHCHECK CMD: JSON exec form, else the shell form under /bin/sh -c. */
export function commandOf(args) {
  const text = args.trim();
  if (text.startsWith('[')) {
    try {
      const argv = JSON.parse(text);
      if (Array.isArray(argv) && argv.every((w) => typeof w === 'string')) return argv;
    } catch {
      // not JSON: Docker runs it as shell form too
    }
  }
  return ['/bin/sh', '-c', text];
}

/** Variables of an ENV instruction: `A=1 B="x y"`, or the legacy `ENV A value with spaces`. */
export function parseEnv(args) {
  const words = shellWords(args.trim());
  if (words.length > 0 && !words[0].includes('=')) {
    return {
      [words[0]]: args
        .trim()
        .slice(args.trim().indexOf(words[0]) + words[0].length)
        .trim(),
    };
  }
  return Object.fromEntries(
    words.map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]),
  );
}

/** A Docker duration (`10s`, `1m30s`, `500ms`) in milliseconds. */
export function durationMs(text, fallback) {
  if (text === undefined) return fallback;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2]];
  }
  return total || fallback;
}

/** HEALTHCHECK `--opt=value … CMD …` with Docker's defaults (30 s, 30 s, 0 s, 3). */
function parseHealthcheck(args) {
  const at = /\bCMD\b/.exec(args);
  if (!at || /^\s*NONE\b/i.test(args)) return undefined;
  const opts = Object.fromEntries(
    [...args.slice(0, at.index).matchAll(/--([\w-]+)=(\S+)/g)].map((m) => [m[1], m[2]]),
  );
  return {
    argv: commandOf(args.slice(at.index + 3)),
    intervalMs: durationMs(opts.interval, 30_000),
    timeoutMs: durationMs(opts.timeout, 30_000),
    startPeriodMs: durationMs(opts['start-period'], 0),
    retries: Number(opts.retries ?? 3),
  };
}

/** Whether a stage installs production dependencies only (the check runs that install itself). */
function prodInstallOf(stage) {
  let dir = '/';
  for (const ins of stage.instructions) {
    if (ins.keyword === 'WORKDIR') dir = posix.resolve(dir, ins.args.trim());
    if (ins.keyword !== 'RUN') continue;
    const cmd = npmInstalls(ins.args).find((c) => PROD_ONLY.test(c));
    if (cmd) {
      const argv = shellWords(cmd.trim());
      return { argv, workdir: dir, stage: stage.name ?? String(stage.index), line: ins.line };
    }
  }
  return undefined;
}

/** Folders a stage's RUN `mkdir -p` lines make, as absolute paths (resolved against its WORKDIR). */
function madeDirsOf(stage) {
  const made = [];
  let dir = '/';
  for (const ins of stage.instructions) {
    if (ins.keyword === 'WORKDIR') dir = posix.resolve(dir, ins.args.trim());
    if (ins.keyword !== 'RUN') continue;
    for (const cmd of ins.args.split(/&&|;|\|\|/)) {
      const words = shellWords(cmd.trim());
      if (words[0] !== 'mkdir' || !words.includes('-p')) continue;
      for (const w of words.slice(1).filter((x) => !x.startsWith('-'))) {
        made.push({ from: stage.name ?? String(stage.index), path: posix.resolve(dir, w) });
      }
    }
  }
  return made;
}

/** The WORKDIR at the end of a stage. */
function finalWorkdir(stage) {
  return stage.instructions
    .filter((i) => i.keyword === 'WORKDIR')
    .reduce((dir, i) => posix.resolve(dir, i.args.trim()), '/');
}

/** `path` relative to `dir` when inside it (or equal: ''), else undefined. */
function inside(path, dir) {
  const rel = posix.relative(dir, path);
  return rel.startsWith('..') || posix.isAbsolute(rel) ? undefined : rel;
}

/**
 * The runtime (last) stage of a Dockerfile as the check follows it. A COPY --from a stage that
 * installs production dependencies reads from the folder where the check ran that install
 * (role `deps`); from any other stage, from the repository (role `build`: those stages copy the
 * repository into their WORKDIR and compile it, as `nx run-many -t build` did); without --from,
 * from the build context (the repository root).
 * @param {string} text the Dockerfile
 * @param {Record<string, string>} [buildArgs] its build arguments (Compose `build.args`)
 * @returns {RuntimePlan}
 */
export function planRuntime(text, buildArgs = {}) {
  const stages = parseStages(text, buildArgs);
  const runtime = stages.at(-1);
  const plan = {
    workdir: '/',
    env: {},
    cmd: [],
    copies: [],
    buildCommands: [],
    madeDirs: [],
    problems: [],
  };
  if (!runtime) return { ...plan, problems: ['no FROM instruction'] };
  const installs = stages.slice(0, -1).map((s) => prodInstallOf(s));
  plan.prodInstall = installs.find(Boolean);
  for (const stage of stages.slice(0, -1)) {
    if (installs[stage.index]) continue;
    plan.madeDirs.push(...madeDirsOf(stage));
    for (const ins of stage.instructions.filter((i) => i.keyword === 'RUN')) {
      if (/\b(tsc|nx|npm\s+run\s+build)\b/.test(ins.args)) plan.buildCommands.push(ins.args);
    }
  }
  for (const ins of runtime.instructions) {
    const { keyword, args, line } = ins;
    if (keyword === 'WORKDIR') plan.workdir = posix.resolve(plan.workdir, args.trim());
    else if (keyword === 'ENV') Object.assign(plan.env, parseEnv(args));
    else if (keyword === 'USER') plan.user = args.trim();
    else if (keyword === 'CMD') plan.cmd = commandOf(args);
    else if (keyword === 'HEALTHCHECK') plan.health = parseHealthcheck(args);
    else if (keyword === 'ENTRYPOINT')
      plan.problems.push(`line ${line}: ENTRYPOINT is not followed by this check`);
    else if (keyword === 'ADD' || keyword === 'COPY')
      plan.copies.push(copyOf(ins, stages, installs, plan));
    else if (keyword === 'RUN')
      plan.problems.push(
        `line ${line}: a RUN in the runtime stage cannot be followed without Docker`,
      );
  }
  for (const c of plan.copies) {
    for (const s of c.sources.filter((x) => x.rel === undefined)) {
      plan.problems.push(
        `line ${c.line}: copies ${s.path} from ${c.from}, outside that stage's WORKDIR: not followable without Docker`,
      );
    }
    // The repository's own node_modules has devDependencies: it cannot stand in for a stage's.
    for (const s of c.sources.filter(
      (x) => c.role !== 'deps' && /(^|\/)node_modules(\/|$)/.test(x.rel ?? ''),
    )) {
      plan.problems.push(
        `line ${c.line}: copies ${s.path} from ${c.from}, not from the stage that installs production dependencies`,
      );
    }
  }
  if (plan.cmd.length === 0) plan.problems.push('the runtime stage has no CMD');
  if (!plan.health) plan.problems.push('the runtime stage has no HEALTHCHECK CMD');
  if (!plan.prodInstall)
    plan.problems.push('no stage installs production dependencies (npm ci --omit=dev)');
  return plan;
}

/** One COPY/ADD of the runtime stage, its sources resolved in the stage they come from. */
function copyOf(ins, stages, installs, plan) {
  const words = shellWords(ins.args);
  const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
  const paths = words.filter((w) => !w.startsWith('--'));
  const rawDest = paths.at(-1) ?? '.';
  const dest = posix.resolve(plan.workdir, rawDest);
  const source = from === undefined ? undefined : findStage(stages, from);
  const role = from === undefined ? 'context' : installs[source?.index ?? -1] ? 'deps' : 'build';
  const base = from === undefined ? '/' : source ? finalWorkdir(source) : undefined;
  if (from !== undefined && !source)
    plan.problems.push(`line ${ins.line}: --from=${from} names no earlier stage`);
  const sources = paths.slice(0, -1).map((p) => {
    const path = posix.resolve(base ?? '/', p);
    return { path, rel: base === undefined ? undefined : inside(path, base) };
  });
  const destIsDir = rawDest.endsWith('/') || sources.length > 1;
  return { line: ins.line, from: from ?? 'the build context', role, sources, dest, destIsDir };
}
