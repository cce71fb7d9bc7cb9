import type { Tolerance } from './experiment.schema';

/** A tolerance judged against a probe's value. */
export interface Verdict {
  ok: boolean;
  /** What was expected, for the report (e.g. `in [0, 1.3]`). */
  expected: string;
}

/** Picks `target` out of an object value (`status`, `body.items`), or the value itself. */
function pick(value: unknown, target: string | undefined): unknown {
  if (!target) return value;
  let v: unknown = value;
  for (const key of target.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/**
 * Judges a probe value against a Chaos Toolkit tolerance: a scalar must be equal (an HTTP probe's
 * value is compared by its status), a list must contain the value, `{type: "range", range:
 * [lo, hi]}` needs a number within (inclusive), `{type: "regex", pattern}` a matching string.
 * NaN and missing values never pass.
 */
export function judge(tolerance: Tolerance, value: unknown): Verdict {
  const scalar = (v: unknown) =>
    typeof v === 'object' && v !== null && 'status' in v ? v.status : v;
  if (Array.isArray(tolerance))
    return {
      ok: tolerance.includes(scalar(value) as never),
      expected: `one of ${JSON.stringify(tolerance)}`,
    };
  if (typeof tolerance !== 'object')
    return { ok: scalar(value) === tolerance, expected: `= ${JSON.stringify(tolerance)}` };
  const picked = pick(value, tolerance.target);
  if (tolerance.type === 'range') {
    const [lo, hi] = tolerance.range;
    const n = typeof picked === 'number' ? picked : Number.NaN;
    return { ok: n >= lo && n <= hi, expected: `in [${lo}, ${hi}]` };
  }
  const text = typeof picked === 'string' ? picked : JSON.stringify(picked ?? null);
  return {
    ok: new RegExp(tolerance.pattern).test(text),
    expected: `matches /${tolerance.pattern}/`,
  };
}
