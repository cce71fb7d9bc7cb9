export {
  type SqlMigration,
  MigrationDriftError,
  loadSqlMigrations,
  runMigrations,
} from './sql-migrations';
export { withTransaction } from './transaction';
