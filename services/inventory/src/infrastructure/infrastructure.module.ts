import { Module } from '@nestjs/common';
import { createKafka, type MessagingLogger } from '@rc/messaging';
import {
  createPgPool,
  createRedis,
  HealthRegistry,
  JsonLogger,
  postgresCheck,
  SERVICE_CONFIG,
  ServiceMetrics,
  ShutdownRegistry,
} from '@rc/platform';
import type { Pool } from 'pg';
import type { InventoryConfig } from '../config/inventory.config';
import { seedCatalogue } from './catalogue.seeder';
import { migrateInventoryDatabase } from './inventory.migrations';
import { KAFKA, PG_POOL, REDIS } from './inventory.tokens';
import { PgInventoryReader } from './pg-inventory.reader';
import { PgInventoryUnitOfWork } from './pg-inventory.unit-of-work';

/** The platform logger as the messaging library's log sink. */
export function messagingLogger(logger: JsonLogger): MessagingLogger {
  return (level, message, fields) => logger.write(level, message, fields);
}

/**
 * Connections and adapters. Start-up order matters and DI gives it: the pool exists only after
 * the schema is migrated (and the catalogue seeded), so nothing can query a missing table.
 * Readiness checks Postgres only — see the README ("Failure behaviour") for why Kafka and Redis
 * are not readiness dependencies.
 */
@Module({
  providers: [
    {
      provide: PG_POOL,
      inject: [SERVICE_CONFIG, ShutdownRegistry, HealthRegistry, JsonLogger, ServiceMetrics],
      useFactory: async (
        config: InventoryConfig,
        shutdown: ShutdownRegistry,
        health: HealthRegistry,
        logger: JsonLogger,
        metrics: ServiceMetrics,
      ): Promise<Pool> => {
        const pool = createPgPool(config.DATABASE_URL, {
          max: config.DATABASE_POOL_MAX,
          shutdown,
          metrics: metrics.registry,
        });
        const applied = await migrateInventoryDatabase(pool);
        const seeded = config.SEED_CATALOGUE ? await seedCatalogue(pool) : 0;
        logger.write('info', 'database ready', {
          migrationsApplied: applied,
          productsSeeded: seeded,
        });
        health.register('postgres', postgresCheck(pool));
        return pool;
      },
    },
    {
      provide: REDIS,
      inject: [SERVICE_CONFIG, ShutdownRegistry],
      useFactory: (config: InventoryConfig, shutdown: ShutdownRegistry) =>
        createRedis(config.REDIS_URL, { shutdown, commandTimeoutMs: 100 }),
    },
    {
      provide: KAFKA,
      inject: [SERVICE_CONFIG, JsonLogger],
      useFactory: (config: InventoryConfig, logger: JsonLogger) =>
        createKafka({
          clientId: config.SERVICE_NAME,
          brokers: config.KAFKA_BROKERS,
          logger: messagingLogger(logger),
          // Short client-level retries: every caller here (relay, consumer, start-up) retries
          // forever with its own backoff, and a long kafkajs retry would hold a shutdown up.
          retry: { retries: 2, maxRetryTime: 2_000 },
        }),
    },
    {
      provide: PgInventoryUnitOfWork,
      inject: [PG_POOL, SERVICE_CONFIG],
      useFactory: (pool: Pool, config: InventoryConfig) =>
        new PgInventoryUnitOfWork(pool, { topic: config.INVENTORY_TOPIC }),
    },
    {
      provide: PgInventoryReader,
      inject: [PG_POOL],
      useFactory: (pool: Pool) => new PgInventoryReader(pool),
    },
  ],
  exports: [PG_POOL, REDIS, KAFKA, PgInventoryUnitOfWork, PgInventoryReader],
})
export class InventoryInfrastructureModule {}
