import { AsyncLocalStorage } from 'node:async_hooks';
import type { StoredResponse } from './idempotency.types';

/**
 * A part of a handler's own Postgres statement that completes the request's `Idempotency-Key`:
 * a data-modifying CTE, its parameters, and what to tell the request once the statement ran.
 * The key is then completed in the same implicit transaction as the business change, so the
 * request needs no completion round trip of its own (and no second WAL flush).
 *
 * Used as:
 * ```sql
 * WITH changed AS (UPDATE … RETURNING …),
 *      ${part.cte('idem', 7, 'EXISTS (SELECT 1 FROM changed)')}
 * SELECT …, ${part.result('idem')} AS idem
 * ```
 * then `part.settle(row.idem)`.
 */
export interface StatementPart {
  /**
   * `<name> AS (UPDATE <the key> … RETURNING …)`, its parameters numbered from `$<first>`. It
   * completes the key only when `when` (an SQL condition, over the statement's other CTEs) holds
   * and the request still holds its lease.
   */
  cte(name: string, first: number, when: string): string;
  /** The parameters of {@link cte}, in order. */
  readonly values: readonly unknown[];
  /** The SQL expression the statement selects (once) for {@link settle}: null when not completed. */
  result(name: string): string;
  /** Hands over what the statement selected as {@link result}. */
  settle(result: unknown): void;
}

/**
 * How the response's body differs from the one the handler builds before its statement: body
 * fields whose value only the statement knows, as SQL expressions yielding a JSON value (e.g.
 * `updatedAt: "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"`, the
 * row's `now()` as `Date#toISOString` prints it). They may read the statement's other CTEs.
 */
export interface StatementCompletionOptions {
  bodyFromSql?: Readonly<Record<string, string>>;
}

/**
 * SQL rendering the timestamp `expression` as `Date#toISOString` prints it (UTC, milliseconds,
 * both truncating the microseconds): for a {@link StatementCompletionOptions.bodyFromSql} field
 * whose value is a `timestamptz` the statement writes.
 */
export function isoTimestampSql(expression: string): string {
  return `to_char((${expression}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * A part of a handler's first statement that claims the request's `Idempotency-Key` (a route
 * marked `@Idempotent({ claimInStatement: true })`): a data-modifying CTE that INSERTs the key
 * in flight under the request's lease, so the claim needs no round trip of its own. A key that
 * exists already (replay, in flight, reused, expired) makes that INSERT — and so the whole
 * statement — fail with a unique violation: nothing of the statement is kept, and the
 * interceptor answers the way a separate claim would have (running the handler again if the
 * key turns out to be free).
 */
export interface ClaimPart {
  /** `<name> AS (INSERT INTO <the keys> … RETURNING …)`, its parameters numbered from `$<first>`. */
  cte(name: string, first: number): string;
  /** The parameters of {@link cte}, in order. */
  readonly values: readonly unknown[];
  /** Call once the statement succeeded: the key is claimed. */
  settle(): void;
}

/** What a request whose store can claim or complete keys inside other statements offers its handler. */
export interface InStatementCompletionScope {
  /**
   * A part for `response`, or undefined once a statement has completed the key. On a
   * claim-in-statement route whose key is not claimed yet, the part claims it too: it INSERTs
   * the key, completed when the statement's condition holds and in flight otherwise.
   */
  part(response: StoredResponse, options?: StatementCompletionOptions): StatementPart | undefined;
  /** A part claiming the key, or undefined when there is none to claim that way. */
  claim(): ClaimPart | undefined;
}

const scope = new AsyncLocalStorage<InStatementCompletionScope>();

/** Runs `fn` (the handler) with `completions` as the current request's in-statement completion. */
export function runWithInStatementCompletion<T>(
  completions: InStatementCompletionScope,
  fn: () => T,
): T {
  return scope.run(completions, fn);
}

/**
 * The part that completes the current `@Idempotent()` request's key with `response` inside the
 * caller's own statement — or undefined when there is none to complete that way (no key, a store
 * other than Postgres, the key already completed): the interceptor then completes the key itself,
 * as always. The statement must run on the database of the service's idempotency store, and
 * `response` must be what the handler will answer (status, the headers it will set, the body);
 * the interceptor compares, and stores the real answer if they differ.
 */
export function idempotentCompletion(
  response: StoredResponse,
  options?: StatementCompletionOptions,
): StatementPart | undefined {
  return scope.getStore()?.part(response, options);
}

/**
 * The part that claims the current request's key inside the caller's statement — the first
 * statement of a handler on a route marked `@Idempotent({ claimInStatement: true })` — or
 * undefined when there is none to claim that way (another route, no key, a store other than
 * Postgres, the key claimed already). The statement must run on the database of the service's
 * idempotency store; see {@link ClaimPart} for what a key that exists does to it.
 */
export function idempotentClaim(): ClaimPart | undefined {
  return scope.getStore()?.claim();
}
