/** One sample of the Prometheus text format: a metric name, its labels and a value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Parses the Prometheus text exposition format (what every service's `/metrics` serves) into
 * samples. Comments, blank lines and lines it cannot read are skipped: a scrape is advisory,
 * a malformed line must not blank the control room.
 */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const value = Number(m[3]);
    if (Number.isNaN(value)) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL))
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: m[1]!, labels, value });
  }
  return samples;
}

/** Samples of one metric whose labels include every pair of `where`. */
export function select(
  samples: readonly Sample[],
  name: string,
  where: Record<string, string | ((v: string) => boolean)> = {},
): Sample[] {
  return samples.filter(
    (s) =>
      s.name === name &&
      Object.entries(where).every(([k, v]) => {
        const actual = s.labels[k];
        if (actual === undefined) return false;
        return typeof v === 'function' ? v(actual) : actual === v;
      }),
  );
}

/** Sum of the values of {@link select}. */
export function sum(
  samples: readonly Sample[],
  name: string,
  where: Record<string, string | ((v: string) => boolean)> = {},
): number {
  return select(samples, name, where).reduce((total, s) => total + s.value, 0);
}
