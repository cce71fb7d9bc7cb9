import { Module } from '@nestjs/common';
import { createKafka, kafkaSecurityFromConfig } from '@rc/messaging';
import {
  JsonLogger,
  logFunction,
  pgPoolProvider,
  redisProvider,
  SERVICE_CONFIG,
  ServiceMetrics,
} from '@rc/platform';
import { FaultInjector } from '@rc/resilience';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { GetProductSales } from '../application/get-product-sales.query';
import { GetSummary } from '../application/get-summary.query';
import { RedriveDeadLetters } from '../application/redrive-dead-letters.command';
import type { AnalyticsConfig } from '../config/analytics.config';
import { migrateAnalyticsDatabase } from './analytics.migrations';
import { PgAnalyticsReadModel } from './analytics.pg-read-model';
import { KafkaDeadLetterRedriver } from './kafka-dead-letter.redriver';

/** DI tokens of the service's clients. */
export const ANALYTICS_PG = Symbol('AnalyticsPg');
export const ANALYTICS_REDIS = Symbol('AnalyticsRedis');
export const ANALYTICS_KAFKA = Symbol('AnalyticsKafka');

/**
 * The analytics adapters and use cases. Postgres is the readiness dependency (the API reads
 * it; the migrations run against it before the service listens). Kafka is not: while it is
 * down the API serves the last aggregates and the consumer keeps trying to start.
 */
@Module({
  providers: [
    pgPoolProvider<AnalyticsConfig>({
      provide: ANALYTICS_PG,
      prepare: async (pool, _config, logger) => {
        const applied = await migrateAnalyticsDatabase(pool);
        if (applied.length > 0) logger.write('info', 'database migrated', { applied });
      },
    }),
    redisProvider(ANALYTICS_REDIS, 100),
    {
      // One injector for the admin API, the inbound routes and the consumer (`consume` rules).
      provide: FaultInjector,
      inject: [SERVICE_CONFIG, ServiceMetrics],
      useFactory: (config: AnalyticsConfig, metrics: ServiceMetrics) =>
        new FaultInjector({
          rules: config.FAULT_RULES,
          allowDestructive: config.ALLOW_DESTRUCTIVE_FAULTS,
          registry: metrics.registry,
        }),
    },
    {
      provide: ANALYTICS_KAFKA,
      inject: [SERVICE_CONFIG, JsonLogger],
      useFactory: (config: AnalyticsConfig, logger: JsonLogger): Kafka =>
        createKafka({
          clientId: config.SERVICE_NAME,
          brokers: config.KAFKA_BROKERS,
          security: kafkaSecurityFromConfig(config),
          logger: logFunction(logger),
        }),
    },
    {
      provide: PgAnalyticsReadModel,
      inject: [ANALYTICS_PG],
      useFactory: (pool: Pool) => new PgAnalyticsReadModel(pool),
    },
    {
      provide: GetSummary,
      inject: [PgAnalyticsReadModel],
      useFactory: (readModel: PgAnalyticsReadModel) => new GetSummary(readModel),
    },
    {
      provide: GetProductSales,
      inject: [PgAnalyticsReadModel],
      useFactory: (readModel: PgAnalyticsReadModel) => new GetProductSales(readModel),
    },
    {
      provide: RedriveDeadLetters,
      inject: [ANALYTICS_KAFKA, SERVICE_CONFIG, JsonLogger],
      useFactory: (kafka: Kafka, config: AnalyticsConfig, logger: JsonLogger) =>
        new RedriveDeadLetters(
          new KafkaDeadLetterRedriver(kafka, config.REDRIVE_TIMEOUT_MS, logFunction(logger)),
          config.ANALYTICS_TOPICS,
        ),
    },
  ],
  exports: [
    ANALYTICS_PG,
    ANALYTICS_REDIS,
    ANALYTICS_KAFKA,
    FaultInjector,
    GetSummary,
    GetProductSales,
    RedriveDeadLetters,
  ],
})
export class AnalyticsInfrastructureModule {}
