import { Module } from '@nestjs/common';
import { outbox } from '@rc/messaging';
import {
  clientIdOf,
  housekeepingProvider,
  isAppError,
  SERVICE_CONFIG,
  ServiceMetrics,
  toProblem,
} from '@rc/platform';
import {
  AdaptiveConcurrencyLimiter,
  type FaultInjector,
  IdempotencyStore,
  RateLimiter,
  type RateLimitPolicy,
  type StoredResponse,
} from '@rc/resilience';
import {
  ResilienceModule,
  type ResilienceModuleOptions,
  ResilienceRegistry,
} from '@rc/resilience/nest';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import { PaymentsController } from './api/payments.controller';
import { ChargePayment } from './application/charge-payment.command';
import { GetPayment } from './application/get-payment.query';
import { ListPayments } from './application/list-payments.query';
import { RefundPayment } from './application/refund-payment.command';
import type { PaymentConfig } from './config/payment.config';
import type { PaymentProvider } from './domain/payment-provider.port';
import { HmacTokenFingerprinter } from './infrastructure/hmac-token.fingerprinter';
import { PaymentInfrastructureModule } from './infrastructure/infrastructure.module';
import { FAULT_INJECTOR, PAYMENT_PROVIDER, PG_POOL, REDIS } from './infrastructure/payment.tokens';
import { PgPaymentReader } from './infrastructure/pg-payment.reader';
import { PgPaymentUnitOfWork } from './infrastructure/pg-payment.unit-of-work';
import { PaymentWorkers } from './payment.workers';

/** Every route of the service, as the rate limiter names them. */
export const PAYMENT_ROUTES = [
  'POST /v1/payments',
  'POST /v1/payments/:paymentId/refund',
  'GET /v1/payments',
  'GET /v1/payments/:paymentId',
] as const;

/**
 * A decline is a business outcome the charge committed (a FAILED payment): the 402 is stored
 * with the key and replayed to retries, like Stripe stores declines. Every other error releases
 * the key so a retry can run (503 provider unavailable above all).
 */
export function finalErrorResponse(error: unknown): StoredResponse | undefined {
  if (!isAppError(error) || error.code !== 'PAYMENT.DECLINED') return undefined;
  return {
    status: error.httpStatus,
    headers: { 'content-type': 'application/problem+json; charset=utf-8' },
    body: toProblem(error).problem,
  };
}

/**
 * Inbound protection of a tier-1 service: adaptive shedding (CRITICAL), a per-client token bucket
 * on every route that fails open while Redis is down, Postgres-backed idempotency keys with
 * declines stored as final, deadlines from the caller, and fault injection (routes and the
 * `provider` dependency) through one injector.
 */
function resilienceOptions(
  config: PaymentConfig,
  pool: Pool,
  redis: Redis,
  metrics: ServiceMetrics,
  faults: FaultInjector,
): ResilienceModuleOptions {
  const registry = metrics.registry;
  const perClient: RateLimitPolicy = {
    limit: config.RATE_LIMIT_PER_CLIENT_PER_SECOND,
    windowMs: 1_000,
    fallback: 'fail-open',
  };
  return {
    loadShedder: new AdaptiveConcurrencyLimiter({ name: config.SERVICE_NAME, registry }),
    rateLimiter: new RateLimiter({
      redis,
      keyPrefix: `rl:${config.SERVICE_NAME}`,
      routes: Object.fromEntries(PAYMENT_ROUTES.map((route) => [route, perClient])),
      registry,
    }),
    idempotencyStore: new IdempotencyStore({
      pool,
      lockTimeoutMs: config.IDEMPOTENCY_LOCK_TIMEOUT_MS,
      ttlMs: config.IDEMPOTENCY_TTL_SECONDS * 1000,
      registry,
    }),
    faultInjector: faults,
    faultAdminToken: config.ADMIN_TOKEN,
    defaultCriticality: 'CRITICAL',
    clientId: clientIdOf,
    idempotency: {
      finalErrorResponse,
      // Charge bodies carry the card token: fingerprints are keyed so they reveal nothing of it.
      fingerprintKey: config.TOKEN_FINGERPRINT_SECRET,
    },
  };
}

/** The payment service: charges, refunds, a simulated provider (tier 1). */
@Module({
  imports: [
    PaymentInfrastructureModule,
    ResilienceModule.forRootAsync({
      imports: [PaymentInfrastructureModule],
      inject: [SERVICE_CONFIG, PG_POOL, REDIS, ServiceMetrics, FAULT_INJECTOR],
      useFactory: resilienceOptions,
    }),
  ],
  controllers: [PaymentsController],
  providers: [
    {
      provide: ChargePayment,
      inject: [PgPaymentUnitOfWork, PAYMENT_PROVIDER, SERVICE_CONFIG],
      useFactory: (uow: PgPaymentUnitOfWork, provider: PaymentProvider, config: PaymentConfig) =>
        new ChargePayment(
          uow,
          provider,
          new HmacTokenFingerprinter(config.TOKEN_FINGERPRINT_SECRET),
          config.AUTHORIZATION_STALE_AFTER_MS,
        ),
    },
    {
      provide: RefundPayment,
      inject: [PgPaymentUnitOfWork, PgPaymentReader, PAYMENT_PROVIDER],
      useFactory: (uow: PgPaymentUnitOfWork, reader: PgPaymentReader, provider: PaymentProvider) =>
        new RefundPayment(uow, reader, provider),
    },
    {
      provide: GetPayment,
      inject: [PgPaymentReader],
      useFactory: (reader: PgPaymentReader) => new GetPayment(reader),
    },
    {
      provide: ListPayments,
      inject: [PgPaymentReader],
      useFactory: (reader: PgPaymentReader) => new ListPayments(reader),
    },
    PaymentWorkers,
    housekeepingProvider<PaymentConfig>({
      pool: PG_POOL,
      inject: [ResilienceRegistry],
      tasks: (config, pool, resilience: ResilienceRegistry) => [
        outbox.pruneTask(pool, config.OUTBOX_RETENTION_MS),
        ...resilience.pruneTasks(),
      ],
    }),
  ],
})
export class PaymentModule {}
