export {
  IdempotencyInFlightError,
  IdempotencyKeyInvalidError,
  IdempotencyKeyMissingError,
  IdempotencyKeyReusedError,
} from './idempotency.errors';
export {
  applyIdempotencyMigration,
  IDEMPOTENCY_TABLE,
  idempotencyMigrationSql,
} from './idempotency.migration';
export { IdempotencyStore, type IdempotencyStoreOptions } from './idempotency.store';
export { LocalInFlightKeys } from './local-in-flight-keys';
export type { BeginResult, IdempotencyLease, StoredResponse } from './idempotency.types';
export { canonicalJson, type FingerprintInput, requestFingerprint } from './request-fingerprint';
