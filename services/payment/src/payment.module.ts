import { Module } from '@nestjs/common';
import { outbox } from '@rc/messaging';
import {
  clientIdOf,
  housekeepingProvider,
  isAppError,
  SERVICE_CONFIG,
  ServiceMetrics,
  serviceTokenVerifierProvider,
  toProblem,
} from '@rc/platform';
import type { FaultInjector, StoredResponse } from '@rc/resilience';
import {
  inboundResilience,
  ResilienceModule,
  type ResilienceModuleOptions,
  ResilienceRegistry,
} from '@rc/resilience/nest';
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
import { FAULT_INJECTOR, PAYMENT_PROVIDER, PG_POOL } from './infrastructure/payment.tokens';
import { PgPaymentReader } from './infrastructure/pg-payment.reader';
import { PgPaymentUnitOfWork } from './infrastructure/pg-payment.unit-of-work';
import { paymentWorkers } from './payment.workers';

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
 * Inbound protection of a tier-1 service whose every route admits platform services only (a
 * service token, checked by `ServiceAuthGuard` before this pipeline): the platform defaults
 * (adaptive shedding, deadlines from the caller) at CRITICAL, Postgres-backed idempotency keys
 * scoped by the calling service with declines stored as final, and fault injection (routes and
 * the `provider` dependency) through one injector. No per-client rate limit: the only clients
 * are authenticated services whose own inbound traffic is limited at the edge; overload here is
 * the adaptive limiter's job.
 */
function resilienceOptions(
  config: PaymentConfig,
  pool: Pool,
  metrics: ServiceMetrics,
  faults: FaultInjector,
): ResilienceModuleOptions {
  return inboundResilience({
    service: config.SERVICE_NAME,
    registry: metrics.registry,
    idempotencyStore: {
      pool,
      lockTimeoutMs: config.IDEMPOTENCY_LOCK_TIMEOUT_MS,
      ttlMs: config.IDEMPOTENCY_TTL_SECONDS * 1000,
    },
    idempotency: {
      finalErrorResponse,
      // Charge bodies carry the card token: fingerprints are keyed so they reveal nothing of it.
      fingerprintKey: config.TOKEN_FINGERPRINT_SECRET,
    },
    faults,
    adminToken: config.ADMIN_TOKEN,
    defaultCriticality: 'CRITICAL',
    clientId: clientIdOf,
  });
}

/** The payment service: charges, refunds, a simulated provider (tier 1). */
@Module({
  imports: [
    PaymentInfrastructureModule,
    ResilienceModule.forRootAsync({
      imports: [PaymentInfrastructureModule],
      inject: [SERVICE_CONFIG, PG_POOL, ServiceMetrics, FAULT_INJECTOR],
      useFactory: resilienceOptions,
    }),
  ],
  controllers: [PaymentsController],
  providers: [
    serviceTokenVerifierProvider('payment'),
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
    housekeepingProvider<PaymentConfig>({
      pool: PG_POOL,
      inject: [ResilienceRegistry],
      tasks: (config, pool, resilience: ResilienceRegistry) => [
        outbox.pruneTask(pool, config.OUTBOX_RETENTION_MS),
        ...resilience.pruneTasks(),
      ],
    }),
    ...paymentWorkers,
  ],
})
export class PaymentModule {}
