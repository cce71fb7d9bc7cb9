// The file-system half of a production start: the workspace manifests, the deps stage's
// production install in a staging folder, and the runtime tree assembled from the COPY lines.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, rename } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { copyTargets, missingInImage } from './prod-start-needs.mjs';
import { capture } from './prod-start-process.mjs';

/**
 * Every workspace of the repository (root package.json `workspaces`, `dir/*` patterns).
 * @returns {import('./prod-start-needs.mjs').Workspace[]}
 */
export function readWorkspaces(root) {
  const patterns = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces ?? [];
  const dirs = patterns.flatMap((p) => {
    const parent = p.replace(/\/\*$/, '');
    if (parent === p) return [p];
    if (!existsSync(join(root, parent))) return [];
    return readdirSync(join(root, parent)).map((d) => `${parent}/${d}`);
  });
  return dirs
    .filter((d) => existsSync(join(root, d, 'package.json')))
    .sort()
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
      // A service reads its SQL migrations from disk (beside dist/) when it starts.
      const runtimeDirs = dir.startsWith('services/') && existsSync(join(root, dir, 'migrations'));
      return {
        name: pkg.name,
        dir,
        main: pkg.main,
        dependencies: Object.keys(pkg.dependencies ?? {}),
        runtimeDirs: runtimeDirs ? ['migrations'] : [],
      };
    });
}

/**
 * The manifests stage's output in `staging`: the root package.json and lockfile and every
 * workspace package.json in its folder (npm ci needs the lockfile's whole workspace graph).
 */
export function stageManifests(root, workspaces, staging) {
  mkdirSync(staging, { recursive: true });
  for (const file of [
    'package.json',
    'package-lock.json',
    ...workspaces.map((w) => `${w.dir}/package.json`),
  ]) {
    mkdirSync(dirname(join(staging, file)), { recursive: true });
    cpSync(join(root, file), join(staging, file));
  }
}

/**
 * Runs the deps stage's production install in `staging`, plus --prefer-offline (the npm cache of
 * the workspace's own `npm ci` has every package). Returns the output's tail on failure.
 */
export async function installProduction(prodInstall, staging) {
  const [npm, ...args] = prodInstall.argv;
  const extra = ['--prefer-offline', '--no-audit', '--no-fund'].filter((a) => !args.includes(a));
  const argv = [npm, ...args, ...extra];
  const r = await capture(argv, { cwd: staging });
  return {
    ok: r.status === 0,
    command: argv.join(' '),
    tail: r.output.trim().split('\n').slice(-15),
  };
}

/** Packages npm left inside each workspace's own node_modules (not hoisted), by folder. */
export function nestedModules(staging, workspaces) {
  const out = {};
  for (const { dir } of workspaces) {
    const modules = join(staging, dir, 'node_modules');
    if (!existsSync(modules)) continue;
    const names = readdirSync(modules)
      .filter((n) => !n.startsWith('.'))
      .flatMap((n) =>
        n.startsWith('@') ? readdirSync(join(modules, n)).map((s) => `${n}/${s}`) : [n],
      );
    if (names.length > 0) out[dir] = names;
  }
  return out;
}

/** Whether a host path is a folder (false when missing). */
function isDirectory(path) {
  return existsSync(path) && statSync(path).isDirectory();
}

/**
 * Puts each COPY target into `rootfs` (symlinks kept as they are: node_modules/@rc/* point into
 * the image's own libs/ folders). A deps-stage source that no other COPY reads is moved rather
 * than copied: the staging folder is this run's own, and node_modules is large.
 * @param {{host: string, target: string, dir: boolean, role: string}[]} targets
 */
export async function assemble(targets, rootfs) {
  const within = (a, b) => a === b || a.startsWith(`${b}/`);
  for (const t of targets) {
    const to = join(rootfs, t.target);
    mkdirSync(dirname(to), { recursive: true });
    const shared = targets.some(
      (o) => o !== t && (within(o.host, t.host) || within(t.host, o.host)),
    );
    if (t.role === 'deps' && t.dir && !shared && !existsSync(to)) await rename(t.host, to);
    else await cp(t.host, to, { recursive: true, verbatimSymlinks: true });
  }
}

/**
 * The deps stage (its production install in `<work>/deps`, seeded with the manifests) and the
 * runtime tree in `<work>/rootfs` from exactly what the runtime stage's COPY lines copy.
 * @returns {{ok: true, install: string, cwd: string, rootfs: string, copied: number} | {ok: false, problems: string[], tail?: string[]}}
 */
export async function buildRuntimeTree({ root, plan, workspaces, serviceDir, work }) {
  const staging = join(work, 'deps');
  stageManifests(root, workspaces, staging);
  const install = await installProduction(plan.prodInstall, staging);
  if (!install.ok) {
    return {
      ok: false,
      problems: [`${install.command} failed (deps stage, line ${plan.prodInstall.line})`],
      tail: install.tail,
    };
  }
  const hostOf = (role, source) => join(role === 'deps' ? staging : root, source.rel);
  const targets = copyTargets(plan.copies, (c, s) => isDirectory(hostOf(c.role, s))).map((t) => ({
    ...t,
    host: hostOf(t.role, t),
  }));
  // A folder a build stage makes (`mkdir -p`) and the repository lacks: the image has it empty.
  const made = (t) =>
    t.role === 'build' && plan.madeDirs?.some((d) => d.from === t.from && d.path === t.source);
  for (const [i, t] of targets.entries()) {
    if (existsSync(t.host) || !made(t)) continue;
    t.host = join(work, 'made', String(i));
    t.dir = true;
    mkdirSync(t.host, { recursive: true });
  }
  const absent = targets
    .filter((t) => !existsSync(t.host))
    .map((t) => {
      const build = t.role === 'build' ? ' (run `npx nx run-many -t build` first)' : '';
      return `line ${t.line}: COPY --from=${t.from} ${t.source}: ${relative(root, t.host)} does not exist${build}`;
    });
  if (absent.length > 0) return { ok: false, problems: absent };
  const nested = nestedModules(staging, workspaces);
  const sourceHas = (t, rel) => existsSync(join(t.host, rel));
  const missing = missingInImage({ plan, targets, serviceDir, workspaces, nested, sourceHas });
  if (missing.length > 0) return { ok: false, problems: missing };
  const rootfs = join(work, 'rootfs');
  await assemble(targets, rootfs);
  const leaks = ancestorModules(rootfs);
  if (leaks.length > 0) {
    return {
      ok: false,
      problems: [
        `Node would also search ${leaks.join(', ')} from ${rootfs}: remove it or set TMPDIR`,
      ],
    };
  }
  const cwd = join(rootfs, plan.workdir);
  mkdirSync(cwd, { recursive: true });
  return { ok: true, install: install.command, cwd, rootfs, copied: targets.length };
}

/** Folders above `dir` holding a node_modules that Node would search (they would hide a missing package). */
export function ancestorModules(dir) {
  const found = [];
  for (let d = dirname(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) found.push(join(d, 'node_modules'));
    if (dirname(d) === d) return found;
  }
}
