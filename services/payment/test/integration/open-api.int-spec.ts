import { bootstrapService, type RunningService } from '@rc/platform';
import {
  createThrowawayDatabase,
  deleteTopics,
  servedOpenApiDocument,
  serviceTestEnv,
  serviceTokenEnv,
  testServiceKeyPair,
  type ThrowawayDatabase,
  uniqueName,
} from '@rc/testing';
import { paymentConfigSchema } from '../../src/config/payment.config';
import { PaymentModule } from '../../src/payment.module';
import { testKafka } from '../support/kafka-fixture';

describe('payment OpenAPI document (the real app on a throwaway database)', () => {
  let db: ThrowawayDatabase;
  let service: RunningService<unknown>;
  const topic = uniqueName('it-openapi-payments');

  beforeAll(async () => {
    db = await createThrowawayDatabase('payment_openapi');
    service = await bootstrapService({
      module: PaymentModule,
      schema: paymentConfigSchema,
      env: {
        ...serviceTestEnv(),
        DATABASE_URL: db.url,
        LOG_LEVEL: 'error',
        SERVICE_NAME: uniqueName('payment'),
        PAYMENTS_TOPIC: topic,
        ADMIN_TOKEN: 'test-admin-token-0123456789',
        ...serviceTokenEnv(testServiceKeyPair()).payment,
      },
      logSink: () => undefined,
      handleSignals: false,
      openApi: { title: 'payment' },
    });
  });

  afterAll(async () => {
    await service?.shutdown('test');
    await db?.drop();
    await deleteTopics(testKafka(), [topic]);
  });

  it('when /docs-json is fetched, then it is valid OpenAPI 3.1 with the problem+json answers of every operation', async () => {
    // Act
    const served = await servedOpenApiDocument(service.url);

    // Assert
    expect(served).toEqual({
      status: 200,
      issues: [],
      paths: [
        '/admin/faults',
        '/v1/payments',
        '/v1/payments/{paymentId}',
        '/v1/payments/{paymentId}/refund',
      ],
    });
  });
});
