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
import { FaultInjector, PolicyRegistry } from '@rc/resilience';
import type { Pool } from 'pg';
import { type PaymentConfig, providerPolicy } from '../config/payment.config';
import { migratePaymentDatabase } from './payment.migrations';
import { FAULT_INJECTOR, KAFKA, PAYMENT_PROVIDER, PG_POOL, REDIS } from './payment.tokens';
import { PgPaymentReader } from './pg-payment.reader';
import { PgPaymentUnitOfWork } from './pg-payment.unit-of-work';
import { PROVIDER_DEPENDENCY, ResilientPaymentProvider } from './resilient-payment.provider';
import { SimulatedPaymentProvider } from './simulated-payment.provider';

/** The platform logger as the messaging library's log sink. */
export function messagingLogger(logger: JsonLogger): MessagingLogger {
  return (level, message, fields) => logger.write(level, message, fields);
}

/**
 * Connections and adapters. The pool exists only after the schema is migrated. Readiness checks
 * Postgres only (see the README for why Kafka and Redis are not readiness dependencies). The
 * provider is the simulated one behind the `provider` policy, with the service's fault injector
 * (the same instance the admin API edits) inside the policy.
 */
@Module({
  providers: [
    {
      provide: PG_POOL,
      inject: [SERVICE_CONFIG, ShutdownRegistry, HealthRegistry, JsonLogger, ServiceMetrics],
      useFactory: async (
        config: PaymentConfig,
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
        const applied = await migratePaymentDatabase(pool);
        logger.write('info', 'database ready', { migrationsApplied: applied });
        health.register('postgres', postgresCheck(pool));
        return pool;
      },
    },
    {
      provide: REDIS,
      inject: [SERVICE_CONFIG, ShutdownRegistry],
      useFactory: (config: PaymentConfig, shutdown: ShutdownRegistry) =>
        createRedis(config.REDIS_URL, { shutdown, commandTimeoutMs: 100 }),
    },
    {
      provide: KAFKA,
      inject: [SERVICE_CONFIG, JsonLogger],
      useFactory: (config: PaymentConfig, logger: JsonLogger) =>
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
      provide: FAULT_INJECTOR,
      inject: [SERVICE_CONFIG, ServiceMetrics],
      useFactory: (config: PaymentConfig, metrics: ServiceMetrics) =>
        new FaultInjector({ rules: config.FAULT_RULES, registry: metrics.registry }),
    },
    {
      provide: PAYMENT_PROVIDER,
      inject: [SERVICE_CONFIG, ServiceMetrics, FAULT_INJECTOR],
      useFactory: (config: PaymentConfig, metrics: ServiceMetrics, faults: FaultInjector) => {
        const policies = PolicyRegistry.fromConfig(
          { dependencies: { [PROVIDER_DEPENDENCY]: providerPolicy(config.PROVIDER_POLICY) } },
          { registry: metrics.registry },
        );
        return new ResilientPaymentProvider(
          new SimulatedPaymentProvider(),
          policies.get(PROVIDER_DEPENDENCY),
          faults,
        );
      },
    },
    {
      provide: PgPaymentUnitOfWork,
      inject: [PG_POOL, SERVICE_CONFIG],
      useFactory: (pool: Pool, config: PaymentConfig) =>
        new PgPaymentUnitOfWork(pool, { topic: config.PAYMENTS_TOPIC }),
    },
    {
      provide: PgPaymentReader,
      inject: [PG_POOL],
      useFactory: (pool: Pool) => new PgPaymentReader(pool),
    },
  ],
  exports: [
    PG_POOL,
    REDIS,
    KAFKA,
    FAULT_INJECTOR,
    PAYMENT_PROVIDER,
    PgPaymentUnitOfWork,
    PgPaymentReader,
  ],
})
export class PaymentInfrastructureModule {}
