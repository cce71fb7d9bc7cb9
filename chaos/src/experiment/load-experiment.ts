import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { CATALOGUE, type HarnessFunc } from '../activities/catalogue';
import { type Activity, type Experiment, experimentSchema } from './experiment.schema';

/** An experiment file that cannot be run; `issues` each start with the field they are about. */
export class ExperimentInvalidError extends Error {
  constructor(
    readonly file: string,
    readonly issues: string[],
  ) {
    super(`${file}: invalid experiment\n  - ${issues.join('\n  - ')}`);
    this.name = 'ExperimentInvalidError';
  }
}

/** An experiment with its id (file name without extension) and where it came from. */
export interface LoadedExperiment {
  id: string;
  file: string;
  experiment: Experiment;
}

/** `method[2].provider.func` from a zod path. */
function fieldOf(path: readonly PropertyKey[]): string {
  return (
    path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
      .join('') || '(root)'
  );
}

function issuesOf(error: z.ZodError, prefix: readonly PropertyKey[] = []): string[] {
  return error.issues.map((i) => `${fieldOf([...prefix, ...i.path])}: ${i.message}`);
}

/**
 * Validates an experiment document (already parsed from JSON or YAML): the shape, then each
 * harness provider against the catalogue (known function, the right kind, valid arguments).
 * Returns the experiment with every default filled and arguments parsed.
 * @throws ExperimentInvalidError naming every bad field
 */
export function parseExperiment(doc: unknown, file = '(inline)'): Experiment {
  const parsed = experimentSchema.safeParse(doc);
  if (!parsed.success) throw new ExperimentInvalidError(file, issuesOf(parsed.error));
  const experiment = parsed.data;
  const issues: string[] = [];
  const check = (list: readonly Activity[], where: string) =>
    list.forEach((activity, i) => {
      const provider = activity.provider;
      if (provider.type !== 'harness') return;
      const at = `${where}[${i}].provider`;
      const entry = CATALOGUE[provider.func as HarnessFunc] as
        (typeof CATALOGUE)[HarnessFunc] | undefined;
      if (!entry) {
        issues.push(`${at}.func: unknown function "${provider.func}"`);
        return;
      }
      if (entry.kind !== activity.type) {
        issues.push(`${at}.func: "${provider.func}" is a ${entry.kind}, used as ${activity.type}`);
        return;
      }
      const args = entry.arguments.safeParse(provider.arguments);
      if (!args.success) issues.push(...issuesOf(args.error, [`${at}.arguments`]));
      else provider.arguments = args.data;
    });
  check(experiment['steady-state-hypothesis'].probes, 'steady-state-hypothesis.probes');
  check(experiment.method, 'method');
  check(experiment.rollbacks, 'rollbacks');
  if (issues.length > 0) throw new ExperimentInvalidError(file, issues);
  return experiment;
}

/** Reads one experiment file (`.json`, `.yaml` or `.yml`). */
export function loadExperimentFile(file: string): LoadedExperiment {
  const text = readFileSync(file, 'utf8');
  let doc: unknown;
  try {
    doc = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ExperimentInvalidError(file, [`(file): ${(e as Error).message}`]);
  }
  return {
    id: basename(file).replace(/\.(json|ya?ml)$/, ''),
    file,
    experiment: parseExperiment(doc, file),
  };
}

/** Every experiment file of a folder, sorted by name. */
export function experimentFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(json|ya?ml)$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}
