import { bootstrapService, CustomerTokenIssuer, type RunningService } from '@rc/platform';
import { requireRedis, serviceTestEnv, testEnv, testServiceKeyPair, uniqueName } from '@rc/testing';
import { Redis } from 'ioredis';
import { CartModule } from '../../src/cart.module';
import { cartConfigSchema, type CartConfig } from '../../src/config/cart.config';

/** The cart service started in-process on a free port, as `node dist/main.js` would start it. */
export interface StartedCart {
  service: RunningService<CartConfig>;
  url: string;
  /** Base URL of the admin API (`/admin/*`, its own port). */
  adminUrl: string;
  prefix: string;
  redis: Redis;
  logs: Array<Record<string, unknown>>;
  /** Signs customer tokens this cart trusts (its identity provider's key). */
  customers: CustomerTokenIssuer;
  stop(): Promise<void>;
}

/** Starts the cart against the real Redis (a private key prefix) with `env` overrides. */
export async function startCart(env: Record<string, string> = {}): Promise<StartedCart> {
  await requireRedis();
  const prefix = `test:${uniqueName('cart-http')}:`;
  const logs: Array<Record<string, unknown>> = [];
  const identityKey = testServiceKeyPair();
  const service = await bootstrapService({
    module: CartModule,
    schema: cartConfigSchema,
    env: {
      ...serviceTestEnv(),
      LOG_LEVEL: process.env.CART_TEST_LOG_LEVEL ?? 'warn',
      CART_KEY_PREFIX: prefix,
      ADMIN_TOKEN: 'test-admin-token-0123456789',
      CUSTOMER_TOKEN_PUBLIC_KEYS: identityKey.publicKey,
      ...env,
    },
    logSink: (line) => {
      logs.push(JSON.parse(line) as Record<string, unknown>);
      if (process.env.CART_TEST_LOG_LEVEL) process.stdout.write(line);
    },
    handleSignals: false,
    openApi: { title: 'cart' },
  });
  const redis = new Redis(testEnv().redisUrl);
  return {
    service,
    url: service.url,
    adminUrl: service.adminUrl!,
    prefix,
    redis,
    logs,
    customers: CustomerTokenIssuer.fromKeyPair(identityKey),
    stop: async () => {
      await service.shutdown('test');
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}
