import { Module } from '@nestjs/common';
import { createKafka, kafkaSecurityFromConfig } from '@rc/messaging';
import {
  JsonLogger,
  logFunction,
  pgPoolProvider,
  redisProvider,
  SERVICE_CONFIG,
  ServiceMetrics,
  servicePrivateKey,
  ServiceTokenSigner,
  withServiceToken,
} from '@rc/platform';
import type { Pool } from 'pg';
import type { InventoryConfig } from '../config/inventory.config';
import { seedCatalogue } from './catalogue.seeder';
import { CheckoutOrdersHttpAdapter, checkoutPolicyRegistry } from './checkout-orders.http-adapter';
import { migrateInventoryDatabase } from './inventory.migrations';
import { KAFKA, ORDER_STATUS, PG_POOL, REDIS } from './inventory.tokens';
import { PgInventoryReader } from './pg-inventory.reader';
import { PgInventoryUnitOfWork } from './pg-inventory.unit-of-work';

/**
 * Connections and adapters. Start-up order matters and DI gives it: the pool exists only after
 * the schema is migrated (and the catalogue seeded), so nothing can query a missing table.
 * Readiness checks Postgres only — see the README ("Failure behaviour") for why Kafka and Redis
 * are not readiness dependencies.
 */
@Module({
  providers: [
    pgPoolProvider<InventoryConfig>({
      provide: PG_POOL,
      prepare: async (pool, config, logger) => {
        const applied = await migrateInventoryDatabase(pool);
        const seeded = config.SEED_CATALOGUE ? await seedCatalogue(pool) : 0;
        logger.write('info', 'database ready', {
          migrationsApplied: applied,
          productsSeeded: seeded,
        });
      },
    }),
    redisProvider(REDIS, 100),
    {
      provide: KAFKA,
      inject: [SERVICE_CONFIG, JsonLogger],
      useFactory: (config: InventoryConfig, logger: JsonLogger) =>
        createKafka({
          clientId: config.SERVICE_NAME,
          brokers: config.KAFKA_BROKERS,
          security: kafkaSecurityFromConfig(config),
          logger: logFunction(logger),
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
      provide: ORDER_STATUS,
      inject: [SERVICE_CONFIG, ServiceMetrics],
      useFactory: (config: InventoryConfig, metrics: ServiceMetrics) =>
        new CheckoutOrdersHttpAdapter({
          baseUrl: config.CHECKOUT_URL,
          policies: checkoutPolicyRegistry(config.CHECKOUT_POLICY, metrics.registry),
          // Checkout admits order reads from its customers and from services it trusts.
          fetch: withServiceToken(
            new ServiceTokenSigner({
              issuer: 'inventory',
              key: servicePrivateKey(config.SERVICE_TOKEN_KEY),
            }),
            'checkout',
            fetch,
          ),
        }),
    },
    {
      provide: PgInventoryReader,
      inject: [PG_POOL],
      useFactory: (pool: Pool) => new PgInventoryReader(pool),
    },
  ],
  exports: [PG_POOL, REDIS, KAFKA, ORDER_STATUS, PgInventoryUnitOfWork, PgInventoryReader],
})
export class InventoryInfrastructureModule {}
