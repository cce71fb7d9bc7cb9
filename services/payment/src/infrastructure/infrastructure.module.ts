import { Module } from '@nestjs/common';
import { createKafka, kafkaSecurityFromConfig } from '@rc/messaging';
import {
  JsonLogger,
  logFunction,
  pgPoolProvider,
  SERVICE_CONFIG,
  ServiceMetrics,
} from '@rc/platform';
import { FaultInjector, PolicyRegistry } from '@rc/resilience';
import type { Pool } from 'pg';
import { type PaymentConfig, providerPolicy } from '../config/payment.config';
import { migratePaymentDatabase } from './payment.migrations';
import { FAULT_INJECTOR, KAFKA, PAYMENT_PROVIDER, PG_POOL } from './payment.tokens';
import { PgPaymentReader } from './pg-payment.reader';
import { PgPaymentUnitOfWork } from './pg-payment.unit-of-work';
import { PROVIDER_DEPENDENCY, ResilientPaymentProvider } from './resilient-payment.provider';
import { SimulatedPaymentProvider } from './simulated-payment.provider';

/**
 * Connections and adapters. The pool exists only after the schema is migrated. Readiness checks
 * Postgres only (see the README for why Kafka is not a readiness dependency); payment uses no
 * Redis at all (its routes admit platform services only and have no per-client rate limit). The
 * provider is the simulated one behind the `provider` policy, with the service's fault injector
 * (the same instance the admin API edits) inside the policy.
 */
@Module({
  providers: [
    pgPoolProvider<PaymentConfig>({
      provide: PG_POOL,
      prepare: async (pool, _config, logger) => {
        const applied = await migratePaymentDatabase(pool);
        logger.write('info', 'database ready', { migrationsApplied: applied });
      },
    }),
    {
      provide: KAFKA,
      inject: [SERVICE_CONFIG, JsonLogger],
      useFactory: (config: PaymentConfig, logger: JsonLogger) =>
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
      provide: FAULT_INJECTOR,
      inject: [SERVICE_CONFIG, ServiceMetrics],
      useFactory: (config: PaymentConfig, metrics: ServiceMetrics) =>
        new FaultInjector({
          rules: config.FAULT_RULES,
          allowDestructive: config.ALLOW_DESTRUCTIVE_FAULTS,
          registry: metrics.registry,
        }),
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
  exports: [PG_POOL, KAFKA, FAULT_INJECTOR, PAYMENT_PROVIDER, PgPaymentUnitOfWork, PgPaymentReader],
})
export class PaymentInfrastructureModule {}
