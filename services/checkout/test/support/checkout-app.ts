import { bootstrapService, type RunningService } from '@rc/platform';
import { requireRedis, testEnv, testServiceKeyPair } from '@rc/testing';
import { CheckoutModule } from '../../src/checkout.module';
import { checkoutConfigSchema, type CheckoutConfig } from '../../src/config/checkout.config';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database';

/** The real checkout service, in process on a free port, against a throwaway database. */
export interface CheckoutApp {
  service: RunningService<CheckoutConfig>;
  db: ThrowawayDatabase;
  url: string;
  /** The key pair whose private half signs checkout's service tokens in this app. */
  serviceKey: { privateKey: string; publicKey: string };
  /** POST /v1/checkout with JSON. */
  checkout(body: unknown, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * Starts checkout exactly as main.ts does (platform bootstrap, resilience module, Postgres
 * migrations), with its dependencies at `dependenciesUrl`. The outbox relay and the recovery
 * worker loop are off: tests look at the outbox table and run recovery passes themselves.
 */
export async function startCheckoutApp(
  dependenciesUrl: string,
  env: Record<string, string> = {},
): Promise<CheckoutApp> {
  await requireRedis();
  const serviceKey = testServiceKeyPair();
  const db = await createThrowawayDatabase('checkout_http');
  const service = await bootstrapService({
    module: CheckoutModule,
    schema: checkoutConfigSchema,
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
      DATABASE_URL: db.url,
      REDIS_URL: testEnv().redisUrl,
      KAFKA_BROKERS: testEnv().kafkaBrokers.join(','),
      OUTBOX_RELAY_ENABLED: 'false',
      RECOVERY_ENABLED: 'false',
      INVENTORY_URL: dependenciesUrl,
      PAYMENT_URL: dependenciesUrl,
      CART_URL: dependenciesUrl,
      RECOMMENDATIONS_URL: dependenciesUrl,
      RECOMMENDATIONS_FALLBACK_SKUS: 'BEST-1,BEST-2,MUG',
      SERVICE_TOKEN_KEY: serviceKey.privateKey,
      ...env,
    },
    handleSignals: false,
    logSink: process.env.TEST_LOG_LEVEL ? undefined : () => undefined,
  });
  return {
    service,
    db,
    url: service.url,
    serviceKey,
    checkout: (body, headers = {}) =>
      fetch(`${service.url}/v1/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }),
    stop: async () => {
      await service.shutdown('test');
      await db.drop();
    },
  };
}
