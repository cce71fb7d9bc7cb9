import { createIdempotentProducer, encodeEvent } from '@rc/messaging';
import { bootstrapService, type RunningService } from '@rc/platform';
import {
  createThrowawayDatabase,
  deleteGroups,
  messageCount,
  serviceTestEnv,
  type ThrowawayDatabase,
  uniqueName,
  waitFor,
} from '@rc/testing';
import type { Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { AnalyticsModule } from '../../src/analytics.module';
import { runRedriveCli } from '../../src/cli/redrive.cli';
import { analyticsConfigSchema, type AnalyticsConfig } from '../../src/config/analytics.config';
import { orderPlaced, payment } from '../support/events';
import { createTopics, testKafka } from '../support/kafka-fixture';

const TOKEN = 'test-admin-token-0123456789';

describe('analytics over HTTP (service in-process, real Postgres and Kafka)', () => {
  const kafka = testKafka();
  let database: ThrowawayDatabase;
  let topics: string[];
  let removeTopics: () => Promise<void>;
  let env: Record<string, string>;
  let service: RunningService<AnalyticsConfig>;
  let producer: Producer;
  const groupId = uniqueName('analytics');

  beforeAll(async () => {
    database = await createThrowawayDatabase('rc_analytics_it');
    ({ topics, remove: removeTopics } = await createTopics(kafka, ['orders', 'payments']));
    env = {
      ...serviceTestEnv(),
      LOG_LEVEL: 'error',
      DATABASE_URL: database.url,
      ANALYTICS_TOPICS: topics.join(','),
      ANALYTICS_CONSUMER_GROUP: groupId,
      ADMIN_TOKEN: TOKEN,
      REDRIVE_TIMEOUT_MS: '10000',
    };
    service = await bootstrapService({
      module: AnalyticsModule,
      schema: analyticsConfigSchema,
      env,
      logSink: () => undefined,
      handleSignals: false,
    });
    producer = createIdempotentProducer(kafka);
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await service?.shutdown('test');
    if (topics) await deleteGroups(kafka, [groupId, `redrive.${topics[0]}.dlq`]);
    await removeTopics?.();
    await database?.drop();
  });

  // The admin API (/admin/*) answers on its own port only.
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${path.startsWith('/admin') ? service.adminUrl : service.url}${path}`, init);
  const json = async (res: Response) => (await res.json()) as Record<string, unknown>;

  it('when events are published, then the summary and the product view show them', async () => {
    // Act
    await producer.send({
      topic: topics[0]!,
      acks: -1,
      messages: [
        encodeEvent(
          orderPlaced([
            ['TENT', 1, 19_900],
            ['MAT', 2, 4_500],
          ]),
        ),
      ],
    });
    await producer.send({
      topic: topics[1]!,
      acks: -1,
      messages: [encodeEvent(payment('PaymentCaptured'))],
    });

    // Assert
    await waitFor(
      async () => {
        const summary = await json(await api('/v1/analytics/summary'));
        return summary.paymentsCaptured === 1 && summary.ordersPlaced === 1;
      },
      20_000,
      'the events to be counted',
    );
    expect(await json(await api('/v1/analytics/summary?top=1'))).toMatchObject({
      ordersPlaced: 1,
      revenue: 28_900,
      currency: 'EUR',
      topProducts: [{ sku: 'MAT', units: 2, revenue: 9_000 }],
    });
    expect(await json(await api('/v1/analytics/products/TENT'))).toEqual({
      sku: 'TENT',
      units: 1,
      revenue: 19_900,
      currency: 'EUR',
    });
  });

  it('when a poison message is dead-lettered, then the admin API redrives it (token and Idempotency-Key required)', async () => {
    // Arrange
    await producer.send({
      topic: topics[0]!,
      acks: -1,
      messages: [{ key: 'p', value: 'not json' }],
    });
    await waitFor(
      async () => (await messageCount(kafka, `${topics[0]}.dlq`)) === 1,
      20_000,
      'the DLQ entry',
    );
    const path = `/admin/dlq/${topics[0]}/redrive?limit=5`;
    const key = randomUUID();

    // Act
    const anonymous = await api(path, { method: 'POST' });
    const keyless = await api(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const redriven = await api(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'idempotency-key': key },
    });
    const replayed = await api(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'idempotency-key': key },
    });

    // Assert
    expect(anonymous.status).toBe(401);
    expect(keyless.status).toBe(400);
    expect(redriven.status).toBe(200);
    expect(await json(redriven)).toEqual({
      dlqTopic: `${topics[0]}.dlq`,
      redriven: 1,
      timedOut: false,
    });
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    // Still poison: it goes back to the DLQ, with a redrive count (nothing is lost).
    await waitFor(
      async () => (await messageCount(kafka, `${topics[0]}.dlq`)) === 2,
      20_000,
      'the second DLQ entry',
    );
  });

  it('when the CLI redrives a DLQ, then it prints what it moved; an unknown topic is refused', async () => {
    // Arrange
    const lines: string[] = [];
    const errors: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => errors.push(l) };

    // Act
    const ok = await runRedriveCli([`${topics[0]}.dlq`, '--limit', '10'], io, env);
    const unknown = await runRedriveCli(['nowhere.dlq'], io, env);
    const usage = await runRedriveCli([], io, env);

    // Assert
    expect(ok).toBe(0);
    expect(JSON.parse(lines[0]!)).toEqual({
      dlqTopic: `${topics[0]}.dlq`,
      redriven: 1,
      timedOut: false,
    });
    expect(unknown).toBe(1);
    expect(errors.join('\n')).toMatch(/No dead-letter topic nowhere\.dlq/);
    expect(usage).toBe(2);
  });

  it('when an unknown DLQ is asked over HTTP, then 404 ANALYTICS.UNKNOWN_DLQ', async () => {
    // Act
    const res = await api('/admin/dlq/carts/redrive', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'idempotency-key': randomUUID() },
    });

    // Assert
    expect(res.status).toBe(404);
    expect(await json(res)).toMatchObject({ code: 'ANALYTICS.UNKNOWN_DLQ' });
  });

  it.each([
    '/v1/analytics/summary?currency=euro',
    '/v1/analytics/summary?top=0',
    '/v1/analytics/products/bad%20sku',
  ])('when %s is asked, then 400 HTTP.VALIDATION_FAILED', async (path) => {
    // Act
    const res = await api(path);

    // Assert
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ code: 'HTTP.VALIDATION_FAILED' });
  });

  it('when readiness is asked, then Postgres is its dependency', async () => {
    // Act
    const body = await json(await api('/health/ready'));

    // Assert
    expect(Object.keys(body.checks as object)).toEqual(['postgres']);
  });
});
