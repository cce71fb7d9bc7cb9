import { Module } from '@nestjs/common';
import { clientIdOf, SERVICE_CONFIG, ServiceMetrics } from '@rc/platform';
import { FaultInjector } from '@rc/resilience';
import { inboundResilience, ResilienceModule } from '@rc/resilience/nest';
import type { Redis } from 'ioredis';
import { RecommendationsController } from './api/recommendations.controller';
import type { RecommendationsConfig } from './config/recommendations.config';
import { recommendationsConsumerProvider } from './recommendations.workers';
import {
  RECO_REDIS,
  RecommendationsInfrastructureModule,
} from './infrastructure/recommendations-infrastructure.module';

/**
 * The recommendations service (tier 3): reads shed first under overload (SHEDDABLE), a
 * per-client rate limit with a local fallback while Redis is down, and the fault admin API.
 * It has no mutating endpoint, hence no idempotency store.
 */
@Module({
  imports: [
    RecommendationsInfrastructureModule,
    ResilienceModule.forRootAsync({
      imports: [RecommendationsInfrastructureModule],
      inject: [SERVICE_CONFIG, ServiceMetrics, RECO_REDIS, FaultInjector],
      useFactory: (
        config: RecommendationsConfig,
        metrics: ServiceMetrics,
        redis: Redis,
        faultInjector: FaultInjector,
      ) =>
        inboundResilience({
          service: config.SERVICE_NAME,
          registry: metrics.registry,
          redis,
          rateLimit: {
            routes: ['GET /v1/recommendations'],
            perClientPerSecond: config.RATE_LIMIT_PER_CLIENT_PER_SECOND,
            fallback: 'local',
            keyPrefix: `${config.RECO_KEY_PREFIX}rl`,
          },
          faults: faultInjector, // shared with the consumer (`consume` rules)
          adminToken: config.ADMIN_TOKEN,
          defaultCriticality: 'SHEDDABLE',
          clientId: clientIdOf,
        }),
    }),
  ],
  controllers: [RecommendationsController],
  providers: [recommendationsConsumerProvider],
})
export class RecommendationsModule {}
