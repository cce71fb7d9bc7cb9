import { Module } from '@nestjs/common';
import { outbox } from '@rc/messaging';
import {
  clientIdOf,
  customerTokenVerifierProvider,
  housekeepingProvider,
  SERVICE_CONFIG,
  ServiceMetrics,
  serviceTokenVerifierProvider,
  toProblem,
} from '@rc/platform';
import { FaultInjector, Gradient2Limit, type StoredResponse } from '@rc/resilience';
import { inboundResilience, ResilienceModule, ResilienceRegistry } from '@rc/resilience/nest';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { CheckoutController } from './api/checkout.controller';
import { DEGRADED_HEADER } from './api/checkout.mapper';
import { OrdersController } from './api/orders.controller';
import { checkoutApplicationProviders } from './checkout-application.providers';
import type { CheckoutConfig } from './config/checkout.config';
import { CheckoutError } from './domain/checkout.errors';
import {
  CHECKOUT_PG_POOL,
  CHECKOUT_REDIS,
  CheckoutInfrastructureModule,
} from './infrastructure/checkout-infrastructure.module';

/**
 * A checkout's round trip below which the shedder never sees queueing: the saga takes ~25 ms on
 * an idle platform and its objective is p99 ≤ 1 s, so a machine busy enough to make it 1.5×
 * slower is no reason to shed; an RTT past this and the baseline shrinks the limit.
 */
const SAGA_RTT_OBJECTIVE_MS = 250;

/**
 * The checkout service (tier 1). Inbound protection from the resilience adapter, in its fixed
 * order: deadline (default 3 s, clamped) → adaptive shedding (checkout is CRITICAL, shed last)
 * → per-customer rate limit (fail-open: Redis down never blocks checkouts) → fault injection →
 * idempotency keys in Postgres, scoped by customer. The customer is the one a verified bearer
 * token names (`@CustomerOnly()` guards run before all of it); order reads also admit inventory
 * with a service token.
 */
@Module({
  imports: [
    CheckoutInfrastructureModule,
    ResilienceModule.forRootAsync({
      imports: [CheckoutInfrastructureModule],
      inject: [SERVICE_CONFIG, ServiceMetrics, CHECKOUT_PG_POOL, CHECKOUT_REDIS, FaultInjector],
      useFactory: (
        config: CheckoutConfig,
        metrics: ServiceMetrics,
        pool: Pool,
        redis: Redis,
        faultInjector: FaultInjector,
      ) => {
        // RESILIENCE_PIPELINE_ENABLED=false (the benchmark's baseline): no deadline, no
        // shedding, no rate limiting — a missing component switches its interceptor off.
        const protection = config.RESILIENCE_PIPELINE_ENABLED;
        return inboundResilience({
          service: config.SERVICE_NAME,
          registry: metrics.registry,
          redis,
          loadShedding: protection && {
            algorithm: new Gradient2Limit({ rttObjectiveMs: SAGA_RTT_OBJECTIVE_MS }),
          },
          rateLimit: !protection
            ? undefined
            : {
                routes: {
                  'POST /v1/checkout': {},
                  'GET /v1/orders/:orderId': { fallback: 'local' },
                },
                perClientPerSecond: config.RATE_LIMIT_PER_CLIENT_PER_SECOND,
                fallback: 'fail-open',
              },
          idempotencyStore: {
            pool,
            lockTimeoutMs: config.IDEMPOTENCY_LOCK_TIMEOUT_MS,
            ttlMs: config.IDEMPOTENCY_TTL_MS,
          },
          idempotency: {
            replayHeaders: ['content-type', 'location', DEGRADED_HEADER],
            finalErrorResponse: finalCheckoutResponse,
            // Checkout bodies carry the card token: fingerprints are keyed (HMAC).
            fingerprintKey: config.IDEMPOTENCY_FINGERPRINT_KEY,
          },
          faults: faultInjector,
          adminToken: config.ADMIN_TOKEN,
          defaultCriticality: 'CRITICAL',
          clientId: clientIdOf,
          deadline: {
            enabled: protection,
            defaultTimeoutMs: config.CHECKOUT_DEFAULT_DEADLINE_MS,
            maxTimeoutMs: config.CHECKOUT_MAX_DEADLINE_MS,
          },
        });
      },
    }),
  ],
  controllers: [CheckoutController, OrdersController],
  providers: [
    customerTokenVerifierProvider(),
    serviceTokenVerifierProvider('checkout'),
    ...checkoutApplicationProviders,
    housekeepingProvider<CheckoutConfig>({
      pool: CHECKOUT_PG_POOL,
      inject: [ResilienceRegistry],
      tasks: (config, pool, resilience: ResilienceRegistry) => [
        outbox.pruneTask(pool, config.OUTBOX_RETENTION_MS),
        ...resilience.pruneTasks(),
      ],
    }),
  ],
})
export class CheckoutModule {}

/**
 * A checkout error that is the settled outcome of a stored order (declined, out of stock,
 * failed and compensated) is stored as the key's response, like Stripe stores a decline: the
 * same key replays it, and the same key with another body is refused (422) instead of being
 * answered with this order.
 */
function finalCheckoutResponse(error: unknown): StoredResponse | undefined {
  if (!(error instanceof CheckoutError) || !error.final) return undefined;
  const { problem, headers } = toProblem(error);
  return {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: problem,
  };
}
