const DELTA_SECONDS = /^\s*(\d{1,9})\s*$/;

/**
 * Parses an HTTP `Retry-After` value (RFC 9110 §10.2.3): either delta-seconds (`120`) or an
 * HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`). Returns the wait in milliseconds (0 for a date
 * in the past) or undefined when absent or unparseable — a garbage header is ignored rather
 * than trusted.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const delta = DELTA_SECONDS.exec(value);
  if (delta) return Number(delta[1]) * 1000;
  // Only accept something that looks like a date, not any string Date.parse happens to take.
  if (!/[a-z]{3}/i.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
