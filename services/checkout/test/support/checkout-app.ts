import { bootstrapService, CustomerTokenIssuer, type RunningService } from '@rc/platform';
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
  /** The identity provider's key pair this app trusts (CUSTOMER_TOKEN_PUBLIC_KEYS). */
  identityKey: { privateKey: string; publicKey: string };
  /** Inventory's service-token key pair this app trusts for order reads. */
  inventoryKey: { privateKey: string; publicKey: string };
  /** Signs customer tokens this app trusts (its identity provider's key). */
  customers: CustomerTokenIssuer;
  /**
   * POST /v1/checkout with JSON, signed in as the body's `customerId` unless `headers` carry an
   * `authorization` of their own.
   */
  checkout(body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** GET /v1/orders/:orderId as `customerId`. */
  getOrder(orderId: string, customerId: string): Promise<Response>;
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
  const identityKey = testServiceKeyPair();
  const inventoryKey = testServiceKeyPair();
  const customers = CustomerTokenIssuer.fromKeyPair(identityKey);
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
      SERVICE_TOKEN_TRUSTED_KEYS: `inventory=${inventoryKey.publicKey}`,
      CUSTOMER_TOKEN_PUBLIC_KEYS: identityKey.publicKey,
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
    identityKey,
    inventoryKey,
    customers,
    checkout: async (body, headers = {}) =>
      fetch(`${service.url}/v1/checkout`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(await signedInAs(customers, body)),
          ...headers,
        },
        body: JSON.stringify(body),
      }),
    getOrder: async (orderId, customerId) =>
      fetch(`${service.url}/v1/orders/${orderId}`, {
        headers: await customers.headersFor(customerId),
      }),
    stop: async () => {
      await service.shutdown('test');
      await db.drop();
    },
  };
}

/** The headers of the body's `customerId` signed in (none when the body names no customer). */
async function signedInAs(
  customers: CustomerTokenIssuer,
  body: unknown,
): Promise<Record<string, string>> {
  const customerId = (body as { customerId?: unknown } | null)?.customerId;
  if (typeof customerId !== 'string' || !/^[A-Za-z0-9._@-]{1,64}$/.test(customerId)) return {};
  return customers.headersFor(customerId);
}
