import { Module } from '@nestjs/common';
import { inbox } from '@rc/messaging';
import { clientIdOf, housekeepingProvider, SERVICE_CONFIG, ServiceMetrics } from '@rc/platform';
import { FaultInjector } from '@rc/resilience';
import { inboundResilience, ResilienceModule, ResilienceRegistry } from '@rc/resilience/nest';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { AnalyticsController } from './api/analytics.controller';
import { DlqAdminController } from './api/dlq-admin.controller';
import { analyticsConsumerProvider } from './analytics.workers';
import type { AnalyticsConfig } from './config/analytics.config';
import {
  ANALYTICS_PG,
  ANALYTICS_REDIS,
  AnalyticsInfrastructureModule,
} from './infrastructure/analytics-infrastructure.module';

/** Routes with a per-client rate limit (the admin API is exempt, like health and metrics). */
const LIMITED_ROUTES = ['GET /v1/analytics/summary', 'GET /v1/analytics/products/:sku'];

/**
 * The analytics service (tier 4): every topic consumed into Postgres aggregates, a read API
 * shed first under overload (SHEDDABLE), a per-client rate limit, Idempotency-Keys in Postgres
 * for the admin redrive, and the fault admin API.
 */
@Module({
  imports: [
    AnalyticsInfrastructureModule,
    ResilienceModule.forRootAsync({
      imports: [AnalyticsInfrastructureModule],
      inject: [SERVICE_CONFIG, ServiceMetrics, ANALYTICS_PG, ANALYTICS_REDIS, FaultInjector],
      useFactory: (
        config: AnalyticsConfig,
        metrics: ServiceMetrics,
        pool: Pool,
        redis: Redis,
        faultInjector: FaultInjector,
      ) =>
        inboundResilience({
          service: config.SERVICE_NAME,
          registry: metrics.registry,
          redis,
          rateLimit: {
            routes: LIMITED_ROUTES,
            perClientPerSecond: config.RATE_LIMIT_PER_CLIENT_PER_SECOND,
            fallback: 'local',
          },
          idempotencyStore: {
            pool,
            // A redrive may run for REDRIVE_TIMEOUT_MS: the lease must outlive it.
            lockTimeoutMs: config.REDRIVE_TIMEOUT_MS + 10_000,
            ttlMs: config.IDEMPOTENCY_TTL_SECONDS * 1000,
          },
          faults: faultInjector, // shared with the consumer (`consume` rules)
          adminToken: config.ADMIN_TOKEN,
          defaultCriticality: 'SHEDDABLE',
          clientId: clientIdOf,
        }),
    }),
  ],
  controllers: [AnalyticsController, DlqAdminController],
  providers: [
    analyticsConsumerProvider,
    housekeepingProvider<AnalyticsConfig>({
      pool: ANALYTICS_PG,
      inject: [ResilienceRegistry],
      tasks: (config, pool, resilience: ResilienceRegistry) => [
        inbox.pruneTask(pool, config.INBOX_RETENTION_MS),
        ...resilience.pruneTasks(),
      ],
    }),
  ],
})
export class AnalyticsModule {}
