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
import { inventoryConfigSchema } from '../../src/config/inventory.config';
import { InventoryModule } from '../../src/inventory.module';
import { testKafka } from '../support/kafka-fixture';

describe('inventory OpenAPI document (the real app on a throwaway database)', () => {
  let db: ThrowawayDatabase;
  let service: RunningService<unknown>;
  const topics = [uniqueName('it-inv-openapi-orders'), uniqueName('it-inv-openapi-inventory')];

  beforeAll(async () => {
    db = await createThrowawayDatabase('inv_openapi');
    service = await bootstrapService({
      module: InventoryModule,
      schema: inventoryConfigSchema,
      env: {
        ...serviceTestEnv(),
        DATABASE_URL: db.url,
        SERVICE_NAME: uniqueName('inventory'),
        ORDERS_TOPIC: topics[0],
        INVENTORY_TOPIC: topics[1],
        CONSUMER_GROUP: uniqueName('inventory'),
        ADMIN_TOKEN: 'test-admin-token-0123456789',
        ...serviceTokenEnv(testServiceKeyPair()).inventory,
      },
      logSink: () => undefined,
      handleSignals: false,
      openApi: { title: 'inventory' },
    });
  });

  afterAll(async () => {
    await service?.shutdown('test');
    await db?.drop();
    await deleteTopics(
      testKafka(),
      topics.flatMap((t) => [t, `${t}.dlq`]),
    );
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
        '/v1/products',
        '/v1/products/{sku}',
        '/v1/reservations',
        '/v1/reservations/{orderId}',
        '/v1/reservations/{orderId}/commit',
        '/v1/reservations/{orderId}/release',
      ],
    });
  });
});
