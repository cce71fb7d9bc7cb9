import { bootstrapService, type RunningService } from '@rc/platform';
import {
  closedPort,
  servedOpenApiDocument,
  requireRedis,
  testEnv,
  testServiceKeyPair,
} from '@rc/testing';
import { CheckoutModule } from '../../src/checkout.module';
import { checkoutConfigSchema, type CheckoutConfig } from '../../src/config/checkout.config';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../support/throwaway-database';

describe('checkout OpenAPI document (the real app on a throwaway database)', () => {
  let db: ThrowawayDatabase;
  let service: RunningService<CheckoutConfig>;

  beforeAll(async () => {
    await requireRedis();
    db = await createThrowawayDatabase('checkout_openapi');
    // The document needs no dependency: they point at a closed port.
    const nowhere = `http://127.0.0.1:${await closedPort()}`;
    service = await bootstrapService({
      module: CheckoutModule,
      schema: checkoutConfigSchema,
      env: {
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'error',
        DATABASE_URL: db.url,
        REDIS_URL: testEnv().redisUrl,
        KAFKA_BROKERS: testEnv().kafkaBrokers.join(','),
        OUTBOX_RELAY_ENABLED: 'false',
        RECOVERY_ENABLED: 'false',
        INVENTORY_URL: nowhere,
        PAYMENT_URL: nowhere,
        CART_URL: nowhere,
        RECOMMENDATIONS_URL: nowhere,
        SERVICE_TOKEN_KEY: testServiceKeyPair().privateKey,
        SERVICE_TOKEN_TRUSTED_KEYS: `inventory=${testServiceKeyPair().publicKey}`,
        CUSTOMER_TOKEN_PUBLIC_KEYS: testServiceKeyPair().publicKey,
      },
      logSink: () => undefined,
      handleSignals: false,
      openApi: { title: 'checkout' },
    });
  });

  afterAll(async () => {
    await service?.shutdown('test');
    await db?.drop();
  });

  it('when /docs-json is fetched, then it is valid OpenAPI 3.1 with the problem+json answers of every operation', async () => {
    // Act
    const served = await servedOpenApiDocument(service.url);

    // Assert
    expect(served).toEqual({
      status: 200,
      issues: [],
      paths: ['/admin/faults', '/v1/checkout', '/v1/orders/{orderId}'],
    });
  });
});
