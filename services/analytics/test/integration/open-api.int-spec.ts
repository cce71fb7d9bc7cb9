import { bootstrapService, type RunningService } from '@rc/platform';
import {
  createThrowawayDatabase,
  deleteGroups,
  servedOpenApiDocument,
  serviceTestEnv,
  type ThrowawayDatabase,
  uniqueName,
} from '@rc/testing';
import { AnalyticsModule } from '../../src/analytics.module';
import { analyticsConfigSchema, type AnalyticsConfig } from '../../src/config/analytics.config';
import { createTopics, testKafka } from '../support/kafka-fixture';

describe('analytics OpenAPI document (service in-process, real Postgres and Kafka)', () => {
  const kafka = testKafka();
  const groupId = uniqueName('analytics');
  let database: ThrowawayDatabase;
  let removeTopics: () => Promise<void>;
  let service: RunningService<AnalyticsConfig>;

  beforeAll(async () => {
    database = await createThrowawayDatabase('rc_analytics_openapi');
    const created = await createTopics(kafka, ['orders', 'payments']);
    removeTopics = created.remove;
    service = await bootstrapService({
      module: AnalyticsModule,
      schema: analyticsConfigSchema,
      env: {
        ...serviceTestEnv(),
        LOG_LEVEL: 'error',
        DATABASE_URL: database.url,
        ANALYTICS_TOPICS: created.topics.join(','),
        ANALYTICS_CONSUMER_GROUP: groupId,
        ADMIN_TOKEN: 'test-admin-token-0123456789',
      },
      logSink: () => undefined,
      handleSignals: false,
      openApi: { title: 'analytics' },
    });
  });

  afterAll(async () => {
    await service?.shutdown('test');
    await deleteGroups(kafka, [groupId]);
    await removeTopics?.();
    await database?.drop();
  });

  it('when /docs-json is fetched, then it is valid OpenAPI 3.1 with the problem+json answers of every operation', async () => {
    // Act
    const served = await servedOpenApiDocument(service.url);

    // Assert
    expect(served).toEqual({
      status: 200,
      issues: [],
      paths: [
        '/admin/dlq/{topic}/redrive',
        '/admin/faults',
        '/v1/analytics/products/{sku}',
        '/v1/analytics/summary',
      ],
    });
  });
});
