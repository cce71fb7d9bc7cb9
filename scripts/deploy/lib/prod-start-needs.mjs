// What a service's production image must contain to start, and whether the runtime stage's COPY
// lines put it there: the service's build output and the workspace libs its production
// dependencies reach (package.json + build output each: node_modules/@rc/<lib> is a symlink to
// the lib's folder), folders the service reads at run time (its SQL migrations), the script the
// CMD runs, and any node_modules that npm nested inside a workspace folder because it could not
// hoist them. Pure: the caller reads the workspaces and the deps stage's result.
import { posix } from 'node:path';

/**
 * @typedef {{name: string, dir: string, main?: string, dependencies: string[], runtimeDirs?: string[]}} Workspace
 *   `dir` is relative to the repository root; `runtimeDirs` are folders beside its package.json
 *   read at run time
 * @typedef {{line: number, from: string, role: string, source: string, rel?: string, target: string, dir: boolean}} Target
 */

/** The workspaces a service needs at run time: itself and those its production deps reach. */
export function runtimeWorkspaces(serviceDir, workspaces) {
  const byName = new Map(workspaces.map((w) => [w.name, w]));
  const start = workspaces.find((w) => w.dir === serviceDir);
  if (!start) return [];
  const seen = new Map([[start.name, start]]);
  const queue = [start];
  while (queue.length > 0) {
    for (const dep of queue.shift().dependencies) {
      const ws = byName.get(dep);
      if (ws && !seen.has(dep)) {
        seen.set(dep, ws);
        queue.push(ws);
      }
    }
  }
  return [...seen.values()];
}

/**
 * Where each COPY source lands in the image (Docker's rules: a folder's contents go into the
 * destination; a file goes into it when it is a folder — trailing `/` or several sources — else
 * becomes it).
 * @param {import('./prod-start-plan.mjs').Copy[]} copies
 * @param {(copy: object, source: object) => boolean} isDir whether a source is a folder
 * @returns {Target[]}
 */
export function copyTargets(copies, isDir) {
  return copies.flatMap((c) =>
    c.sources.map((s) => {
      const dir = isDir(c, s);
      const target = !dir && c.destIsDir ? posix.join(c.dest, posix.basename(s.path)) : c.dest;
      return { line: c.line, from: c.from, role: c.role, source: s.path, rel: s.rel, target, dir };
    }),
  );
}

/** Whether some target puts `path` into the image (a folder only what its source holds). */
function covered(targets, path, sourceHas) {
  return targets.some(
    (t) =>
      t.target === path ||
      (t.dir && path.startsWith(`${t.target}/`) && sourceHas(t, path.slice(t.target.length + 1))),
  );
}

/**
 * What the image lacks, one clear sentence each (empty when it has everything).
 * @param {{plan: import('./prod-start-plan.mjs').RuntimePlan, targets: Target[], serviceDir: string,
 *   workspaces: Workspace[], nested?: Record<string, string[]>,
 *   sourceHas: (target: Target, rel: string) => boolean}} input `nested` maps a workspace folder
 *   to the packages the production install left in its own node_modules; `sourceHas` says whether
 *   a copied folder holds `rel` (the deps stage's libs/ has package.json files, not dist/)
 */
export function missingInImage({ plan, targets, serviceDir, workspaces, nested = {}, sourceHas }) {
  const modules = targets.find(
    (t) => t.role === 'deps' && posix.basename(t.source) === 'node_modules',
  );
  if (!modules) {
    return [
      'the runtime stage copies no node_modules from the stage that installs production dependencies',
    ];
  }
  const base = posix.dirname(modules.target);
  const needs = [];
  for (const ws of runtimeWorkspaces(serviceDir, workspaces)) {
    const at = (p) => posix.join(base, ws.dir, p);
    const role =
      ws.dir === serviceDir
        ? `${ws.dir} (the service)`
        : `${ws.dir} (${ws.name}, a production dependency of ${serviceDir})`;
    needs.push({ path: at('package.json'), what: `the package.json of ${role}` });
    if (ws.main) {
      const out = posix.dirname(posix.normalize(ws.main));
      needs.push({ path: at(out), what: `the build output ${posix.join(ws.dir, out)} of ${role}` });
    }
    for (const dir of ws.runtimeDirs ?? []) {
      needs.push({
        path: at(dir),
        what: `${posix.join(ws.dir, dir)}, read by ${role} at run time`,
      });
    }
    const hoisted = nested[ws.dir] ?? [];
    if (hoisted.length > 0) {
      needs.push({
        path: at('node_modules'),
        what: `${posix.join(ws.dir, 'node_modules')}, where npm nested ${hoisted.join(', ')} (not hoisted to ${posix.join(base, 'node_modules')})`,
      });
    }
  }
  const [bin, script] = plan.cmd;
  if (posix.basename(bin ?? '') === 'node' && script && !script.startsWith('-')) {
    needs.push({
      path: posix.resolve(plan.workdir, script),
      what: `${script}, the script the CMD runs from ${plan.workdir}`,
    });
  }
  return needs
    .filter((n) => !covered(targets, n.path, sourceHas))
    .map((n) => `the runtime stage does not copy ${n.path}: ${n.what}`);
}
