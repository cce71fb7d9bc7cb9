export {
  Housekeeping,
  HOUSEKEEPING_BATCH_SIZE,
  type HousekeepingOptions,
  type PruneTask,
  startHousekeeping,
} from './housekeeping';
export {
  type HousekeepingConfig,
  housekeepingProvider,
  type HousekeepingProviderOptions,
} from './housekeeping.provider';
export {
  type SqlMigration,
  MigrationDriftError,
  loadSqlMigrations,
  runMigrations,
} from './sql-migrations';
export { withTransaction } from './transaction';
