/** One sample of a Prometheus text-format scrape: `name{label="value",…} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A scrape parsed: its samples and each family's declared type (`# TYPE name histogram`). */
export interface Scrape {
  samples: Sample[];
  types: Map<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/g;

/**
 * Parses the Prometheus text exposition format (what prom-client's `/metrics` answers). Enough
 * for assertions: no timestamps kept, escapes in label values undone.
 */
export function parsePrometheusText(text: string): Scrape {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line.startsWith('#') || !line.trim()) continue;
    const m = SAMPLE.exec(line.trim());
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) {
      labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    }
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

/** Distinct label sets of one metric (histogram buckets' `le` left out), i.e. its series count. */
export function seriesOf(scrape: Scrape, name: string): Record<string, string>[] {
  const seen = new Map<string, Record<string, string>>();
  for (const s of scrape.samples) {
    if (s.name !== name) continue;
    const { le: _le, ...labels } = s.labels;
    seen.set(JSON.stringify(Object.entries(labels).sort()), labels);
  }
  return [...seen.values()];
}
