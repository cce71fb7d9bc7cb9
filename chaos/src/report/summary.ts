import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Journal } from '../run/journal';

/** The latest journal of each experiment (variants apart) under a reports folder. */
export function latestJournals(reportsDir: string): Journal[] {
  if (!existsSync(reportsDir)) return [];
  const out: Journal[] = [];
  for (const id of readdirSync(reportsDir).sort()) {
    const dir = join(reportsDir, id);
    if (id.startsWith('.') || !existsSync(dir)) continue;
    const latest = new Map<string, Journal>();
    for (const run of readdirSync(dir).sort()) {
      const file = join(dir, run, 'journal.json');
      if (!existsSync(file)) continue;
      const j = JSON.parse(readFileSync(file, 'utf8')) as Journal;
      latest.set(j.variant ?? '', j);
    }
    out.push(...latest.values());
  }
  return out;
}

function fmt(v: unknown): string {
  if (typeof v === 'object' && v !== null && 'status' in v) return `HTTP ${String(v.status)}`;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
  return JSON.stringify(v);
}

/**
 * A Markdown table of the latest runs: verdict, the load during the fault (success, p99), and
 * every judgement's value — the figures docs/CHAOS.md quotes.
 */
export function summaryMarkdown(journals: readonly Journal[]): string {
  const rows = journals.map((j) => {
    const f = j.figures.fault;
    const values = j.judgements
      .filter((x) => x.phase !== 'before')
      .map((x) => `${x.phase} ${x.probe}: **${fmt(x.value)}**${x.ok ? '' : ' ✗'}`)
      .join('<br>');
    return `| ${j.experiment.id}${j.variant ? ` (${j.variant})` : ''} | ${j.status} | ${j.quick ? 'quick' : 'full'} ${j.durationSeconds} s | ${f ? `${(f.success_ratio * 100).toFixed(1)} % / ${Math.round(f.p99_ms)} ms` : '-'} | ${values} |`;
  });
  return [
    '| experiment | verdict | run | success / p99 during the fault | judgements (during, after) |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
