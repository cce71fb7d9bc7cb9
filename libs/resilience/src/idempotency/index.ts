export {
  IdempotencyInFlightError,
  IdempotencyKeyInvalidError,
  IdempotencyKeyMissingError,
  IdempotencyKeyReusedError,
  IdempotencyStoreUnavailableError,
} from './idempotency.errors';
export {
  applyIdempotencyMigration,
  IDEMPOTENCY_TABLE,
  idempotencyMigrationSql,
} from './idempotency.migration';
export {
  type CompletedInStatement,
  isIdempotencyKeyConflict,
  PostgresIdempotencyStore,
  type PostgresIdempotencyStoreOptions,
} from './idempotency.pg-store';
export {
  RedisIdempotencyStore,
  type RedisIdempotencyStoreOptions,
} from './idempotency.redis-store';
export {
  type ClaimPart,
  idempotentClaim,
  idempotentCompletion,
  type InStatementCompletionScope,
  isoTimestampSql,
  runWithInStatementCompletion,
  type StatementCompletionOptions,
  type StatementPart,
} from './idempotency.in-statement';
export { LocalInFlightKeys } from './local-in-flight-keys';
export type { IdempotencyRetentionOptions, IdempotencyStore } from './idempotency.contract';
export type { BeginResult, IdempotencyLease, StoredResponse } from './idempotency.types';
export { canonicalJson, type FingerprintInput, requestFingerprint } from './request-fingerprint';
