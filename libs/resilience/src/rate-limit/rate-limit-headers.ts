import type { RateLimitDecision } from './rate-limit.policy';

/**
 * Response headers for a decision, in the structured-field syntax of the IETF draft
 * "RateLimit header fields for HTTP" (draft-ietf-httpapi-ratelimit-headers):
 * - `RateLimit-Policy: "<route>";q=<limit>;w=<window s>` — the quota policy;
 * - `RateLimit: "<route>";r=<remaining>;t=<s until full>` — the current state, only when a
 *   bucket actually decided (absent for fail-open/fail-closed, where the state is unknown);
 * - `Retry-After: <s>` (RFC 9110, whole seconds rounded up, at least 1) on a refusal.
 * The policy name is the route name; header names are lower-case as HTTP/2 sends them.
 */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const name = sfString(decision.route);
  const headers: Record<string, string> = {
    'ratelimit-policy': `${name};q=${decision.limit};w=${Math.ceil(decision.windowMs / 1000)}`,
  };
  if (decision.source === 'redis' || decision.source === 'local') {
    headers['ratelimit'] =
      `${name};r=${decision.remaining};t=${Math.ceil(decision.resetMs / 1000)}`;
  }
  if (!decision.allowed) headers['retry-after'] = String(retryAfterSeconds(decision.retryAfterMs));
  return headers;
}

/** `Retry-After` value in whole seconds: rounded up, at least 1 so clients never spin. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** Serialises a structured-field string (RFC 8941 §3.3.3): quotes and backslashes escaped. */
function sfString(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, '?');
  return `"${printable.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
