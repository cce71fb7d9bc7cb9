import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChaosExperiment } from '../domain/control-room.types';

/** A safe path segment: an experiment id or a run folder name (no `..`, no `/`). */
export const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The files of a run the console serves. */
export const REPORT_FILES: Record<string, string> = {
  'report.html': 'text/html; charset=utf-8',
  'timeline.svg': 'image/svg+xml',
  'journal.json': 'application/json',
};

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * The chaos experiments of the repository (`chaos/experiments/*.json`, run by `npm run chaos`)
 * and their latest reports (`reports/chaos/<id>/<run>/`), read from disk on each request:
 * the console only lists them; running one starts a platform of its own, which is the CLI's job.
 */
export class ChaosCatalogue {
  constructor(
    private readonly experimentsDir: string,
    private readonly reportsDir: string,
  ) {}

  /** Whether the experiments are there (not in the console's container image). */
  get available(): boolean {
    return existsSync(this.experimentsDir);
  }

  /** Every experiment, by id. */
  list(): ChaosExperiment[] {
    if (!this.available) return [];
    return readdirSync(this.experimentsDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .flatMap((file): ChaosExperiment[] => {
        const id = file.replace(/\.json$/, '');
        const doc = readJson(join(this.experimentsDir, file));
        if (!doc || !SEGMENT.test(id)) return [];
        const latest = this.latest(id);
        return [
          {
            id,
            title: typeof doc.title === 'string' ? doc.title : id,
            description: typeof doc.description === 'string' ? doc.description : '',
            tags: Array.isArray(doc.tags) ? doc.tags.filter((t) => typeof t === 'string') : [],
            ...(latest ? { latest } : {}),
          },
        ];
      });
  }

  /** A report file of a run, or undefined (unknown, or not a file the console serves). */
  reportFile(id: string, run: string, file: string): { type: string; body: Buffer } | undefined {
    const type = REPORT_FILES[file];
    if (!type || !SEGMENT.test(id) || !SEGMENT.test(run)) return undefined;
    const path = join(this.reportsDir, id, run, file);
    return existsSync(path) ? { type, body: readFileSync(path) } : undefined;
  }

  private latest(id: string): ChaosExperiment['latest'] {
    const dir = join(this.reportsDir, id);
    if (!existsSync(dir)) return undefined;
    // Run folders are ISO times: the last in order is the latest.
    const runs = readdirSync(dir)
      .filter((r) => SEGMENT.test(r) && existsSync(join(dir, r, 'journal.json')))
      .sort();
    const run = runs.at(-1);
    if (!run) return undefined;
    const journal = readJson(join(dir, run, 'journal.json'));
    if (!journal) return undefined;
    return {
      run,
      status: typeof journal.status === 'string' ? journal.status : 'unknown',
      endedAt: typeof journal.endedAt === 'string' ? journal.endedAt : '',
      durationSeconds: Number(journal.durationSeconds ?? 0),
      report: `/api/control/chaos/${id}/${run}/report.html`,
    };
  }
}
