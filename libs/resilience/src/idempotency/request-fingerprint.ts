import { createHash, createHmac } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so two requests that differ only in key order
 * (or whitespace) produce the same text. Follows `JSON.stringify` for everything else
 * (`toJSON`, dropped `undefined` members, non-finite numbers as `null`).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? '';
}

function sortKeys(value: unknown): unknown {
  if (value !== null && typeof value === 'object') {
    const withJson = value as { toJSON?: () => unknown };
    if (typeof withJson.toJSON === 'function') return sortKeys(withJson.toJSON());
    if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeys(v)));
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      sorted[k] = sortKeys((value as Record<string, unknown>)[k]);
    }
    return sorted;
  }
  return value;
}

/** The parts of a request that identify "the same request" for an idempotency key. */
export interface FingerprintInput {
  /** HTTP method; case-insensitive. */
  method: string;
  /** Path including the query string, as received. */
  path: string;
  /** Parsed body (hashed as canonical JSON), a raw string/Buffer (hashed as is), or none. */
  body?: unknown;
}

/**
 * SHA-256 (hex) of method, path and canonical body — or HMAC-SHA256 under `key` when one is
 * given. A retry with the same key must produce the same fingerprint; a different one means the
 * key was reused for another request (422). Use a key when bodies carry secrets (card tokens):
 * a plain hash of a low-entropy token can be reversed by trying candidates, an HMAC cannot
 * without the key.
 */
export function requestFingerprint({ method, path, body }: FingerprintInput, key?: string): string {
  const hash = key === undefined ? createHash('sha256') : createHmac('sha256', key);
  hash.update(`${method.toUpperCase()}\n${path}\n`);
  if (Buffer.isBuffer(body)) hash.update(body);
  else if (typeof body === 'string') hash.update(body);
  else if (body !== undefined) hash.update(canonicalJson(body));
  return hash.digest('hex');
}
