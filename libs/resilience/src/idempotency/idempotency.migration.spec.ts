import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { idempotencyMigrationSql } from './idempotency.migration';

describe('idempotencyMigrationSql', () => {
  it('when rendered for the public schema, then it is exactly the checked-in SQL migration file', () => {
    // Arrange
    const file = readFileSync(join(__dirname, '../../migrations/001_idempotency_keys.sql'), 'utf8');

    // Act
    const sql = idempotencyMigrationSql();

    // Assert
    expect(sql).toBe(file);
  });

  it('when rendered for another schema, then every object is qualified with it', () => {
    // Act
    const sql = idempotencyMigrationSql('orders_it');

    // Assert
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS orders_it.idempotency_keys (');
    expect(sql).not.toContain('public.');
  });

  it('when the schema name is not a plain identifier, then rendering refuses it', () => {
    // Act + Assert
    expect(() => idempotencyMigrationSql('x; DROP TABLE y')).toThrow(RangeError);
    expect(() => idempotencyMigrationSql('Upper')).toThrow(RangeError);
  });
});
