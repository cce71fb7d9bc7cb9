import { request } from 'undici';
import type { FuzzRequest } from './fuzz-inputs';
import type { E2EPlatform } from './platform';

/** What came back for one fuzz request. */
export interface FuzzAnswer {
  status: number;
  contentType: string;
  text: string;
}

/**
 * Sends `req` as raw bytes with undici (no JSON encoding, duplicated headers kept as separate
 * lines), so the service sees exactly the generated input.
 */
export async function send(baseUrl: string, method: string, req: FuzzRequest): Promise<FuzzAnswer> {
  const res = await request(`${baseUrl}${req.path}${req.query}`, {
    method: method as 'GET',
    headers: req.headers.flat(),
    body: req.body,
    headersTimeout: 15_000,
    bodyTimeout: 15_000,
  });
  const text = await res.body.text();
  const type = res.headers['content-type'];
  return { status: res.statusCode, contentType: String(type ?? ''), text };
}

/**
 * Why `answer` breaks the HTTP invariants, or undefined: never a 5xx, and every 4xx is
 * problem+json with `type`, `title` and its own `status`.
 */
export function httpViolation(answer: FuzzAnswer): string | undefined {
  const { status, contentType, text } = answer;
  if (status >= 500) return `answered ${status}: ${text.slice(0, 300)}`;
  if (status < 400) return undefined;
  if (!contentType.startsWith('application/problem+json'))
    return `answered ${status} as '${contentType}', not problem+json: ${text.slice(0, 300)}`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `answered ${status} problem+json that does not parse: ${text.slice(0, 300)}`;
  }
  const p = body as { type?: unknown; title?: unknown; status?: unknown };
  if (typeof p.type !== 'string' || typeof p.title !== 'string' || p.status !== status)
    return `answered ${status} with a problem lacking type/title/status: ${text.slice(0, 300)}`;
  return undefined;
}

/**
 * The main tables of each database a fuzzed endpoint may write, read as one row of counters (one
 * statement: one snapshot). Stock is read as units reserved that no live hold accounts for, not
 * as the raw sum: inventory's expiry worker may expire a leftover hold (in one transaction,
 * reserved and the hold together) at any moment, and that is no write of the fuzzed request.
 */
const COUNTERS = {
  checkout:
    'SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM order_items) AS order_items',
  payment:
    'SELECT (SELECT count(*) FROM payments) AS payments, (SELECT count(*) FROM refunds) AS refunds',
  inventory:
    'SELECT (SELECT count(*) FROM reservations) AS reservations, ' +
    '(SELECT count(*) FROM reservation_items) AS reservation_items, ' +
    '(SELECT coalesce(sum(reserved), 0) FROM stock) - (SELECT coalesce(sum(i.quantity), 0) ' +
    "FROM reservation_items i JOIN reservations r USING (order_id) WHERE r.status = 'RESERVED') " +
    'AS reserved_unheld, ' +
    '(SELECT coalesce(sum(on_hand), 0) FROM stock) AS on_hand',
} as const;

/** A database a fuzzed endpoint may write. */
export type CountedDb = keyof typeof COUNTERS;

/** Row counts (and stock sums) of the main tables of `dbs`, as one comparable string. */
export async function rowCounts(e2e: E2EPlatform, dbs: readonly CountedDb[]): Promise<string> {
  const rows = await Promise.all(dbs.map((db) => e2e.sql(db, COUNTERS[db])));
  return JSON.stringify(Object.fromEntries(dbs.map((db, i) => [db, rows[i]![0]])));
}
