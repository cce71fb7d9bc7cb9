const SENSITIVE_WORDS = new Set([
  'authorization',
  'token',
  'secret',
  'password',
  'passwd',
  'card',
  'cvv',
  'cvc',
  'pan',
  'cookie',
  'apikey',
]);

/**
 * Whether a field name is sensitive, judged word by word (`cardNumber`, `card_number`,
 * `x-api-key`, `DEMO_TOKEN` are; `span_id`, `cardinality`, `tokens_used` are not).
 */
export function isSensitiveKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.some(
    (w, i) => SENSITIVE_WORDS.has(w) || SENSITIVE_WORDS.has(w + (words[i + 1] ?? '')),
  );
}

/**
 * `value` with the password of any `scheme://user:password@host` URL in it replaced by `***`
 * (a DATABASE_URL or REDIS_URL carries its credentials; they must not reach logs).
 */
export function withoutUrlPassword(value: string): string {
  return value.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^@\s/]+@/gi, '$1***@');
}

/**
 * A copy of `fields` in which the value of every key that looks sensitive (authorization,
 * token, secret, password, card, cookie, api key …) is replaced by `[redacted]`, recursively.
 * Card data, tokens and secrets never reach a log line through structured fields; passwords
 * inside URLs in string values (a connection string in an error message) become `***`.
 */
export function redact(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (isSensitiveKey(key)) out[key] = '[redacted]';
    else if (
      depth < 4 &&
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      !(value instanceof Error)
    )
      out[key] = redact(value as Record<string, unknown>, depth + 1);
    else out[key] = typeof value === 'string' ? withoutUrlPassword(value) : value;
  }
  return out;
}
