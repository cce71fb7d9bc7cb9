import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { htmlPage, renderSvgs } from './bench-html';
import { soakChartSpecs } from './soak-charts';
import { verdictLine, type SoakResult } from './soak-report';

const pct = (ratio: number) => `${Math.round(ratio * 10_000) / 100} %`;
const pctOf = (growth: number | null | undefined) => (growth == null ? '-' : `${growth} %`);

/** The soak's text report. */
export function renderSoakText(r: SoakResult): string {
  const s = r.summary;
  const lines = [
    `Soak of the checkout path: ${r.rateRps} checkouts/s open loop, ${r.warmupSeconds} s warm-up, ` +
      `then ${Math.round((r.soakSeconds / 60) * 10) / 10} min measured (a sample every ${r.sampleSeconds} s), ${r.startedAt}`,
    `machine: ${r.machine.cpus} cores (${r.machine.cpuModel}), node ${r.machine.node}` +
      (r.machine.otherPlatformPorts.length > 0
        ? `; other platform processes on ${r.machine.otherPlatformPorts.join(', ')}`
        : ''),
    '',
    `load after the warm-up: ${s.load.ok}/${s.load.sent} answered 201, errors ${s.load.errors} (${pct(s.load.errorRatio)}) ${JSON.stringify(s.load.statuses)}`,
    `latency per ${r.sampleSeconds} s window: p50 median ${s.load.p50MsMedian} ms, p99 median ${s.load.p99MsMedian} ms, worst p99 ${s.load.p99MsWorst} ms, max ${s.load.maxMs} ms`,
    '',
    'service           RSS baseline → end (MiB)   growth   2nd half   event-loop p99 median / max (ms)',
    '(event-loop delay is sampled every 50 ms, so ~50 ms is a loop that never waited)',
    ...Object.entries(s.rssGrowth).map(([name, g]) => {
      const loop = s.eventLoopP99Ms[name];
      return (
        `${name.padEnd(17)} ${`${g.baselineMiB ?? '-'} → ${g.endMiB ?? '-'}`.padEnd(26)} ` +
        `${pctOf(g.growthPct).padStart(7)}   ${pctOf(s.rssGrowthSecondHalf[name]?.growthPct).padStart(8)}   ` +
        `${loop?.median ?? '-'} / ${loop?.max ?? '-'}`
      );
    }),
    '',
    'table                        baseline →    end     max (rows)',
    ...Object.entries(s.tables).map(
      ([t, v]) =>
        `${t.padEnd(28)} ${String(v.baseline).padStart(8)} → ${String(v.end).padStart(6)} ${String(v.max).padStart(7)}`,
    ),
    `outbox rows waiting to be published: at most ${s.outboxPendingMax} at any sample`,
    s.servicesDown.length > 0
      ? `services DOWN: ${s.servicesDown.map((d) => `${d.service} at ${d.atSeconds} s`).join(', ')}`
      : 'every service stayed up at every sample',
    '',
    verdictLine(s.memory, r.soakSeconds),
  ];
  return lines.join('\n');
}

/**
 * Writes `reports/soak/<name>.json` (the whole result) and `reports/soak/<name>.html` (charts
 * rendered headless by Vega, the text report, the JSON) under `root`; returns both paths.
 */
export async function writeSoakReport(
  root: string,
  r: SoakResult,
  name = 'soak',
): Promise<{ json: string; html: string }> {
  const dir = join(root, 'reports', 'soak');
  const svgs = await renderSvgs(soakChartSpecs(r));
  await mkdir(dir, { recursive: true });
  const json = join(dir, `${name}.json`);
  const html = join(dir, `${name}.html`);
  await writeFile(json, `${JSON.stringify(r, null, 2)}\n`);
  await writeFile(
    html,
    htmlPage({
      heading: 'Checkout soak',
      title: `Checkout soak ${r.startedAt}`,
      subtitle: `${r.machine.cpus} cores (${r.machine.cpuModel}), node ${r.machine.node}, ${r.rateRps}/s for ${r.soakSeconds} s after ${r.warmupSeconds} s of warm-up`,
      svgs,
      report: renderSoakText(r),
      json: r,
    }),
  );
  return { json, html };
}
