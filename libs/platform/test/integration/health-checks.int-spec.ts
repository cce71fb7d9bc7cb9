import { once } from 'node:events';
import { Kafka, logLevel } from 'kafkajs';
import { requireKafka, requirePostgres, requireRedis, testEnv, closedPort } from '@rc/testing';
import { createPgPool, createRedis } from '../../src/connections';
import { HealthRegistry, kafkaCheck, postgresCheck, redisCheck } from '../../src/health';
import { ShutdownRegistry } from '../../src/lifecycle';

describe('readiness checks against the real infrastructure', () => {
  const env = testEnv();
  const shutdown = new ShutdownRegistry();

  beforeAll(async () => {
    await Promise.all([requirePostgres(), requireRedis(), requireKafka()]);
  });

  afterAll(async () => {
    await shutdown.runAll();
  });

  it('when Postgres, Redis and Kafka answer, then the service is ready', async () => {
    const admin = new Kafka({
      clientId: 'health-test',
      brokers: env.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    shutdown.onShutdown('kafka-admin', () => admin.disconnect());
    const health = new HealthRegistry();
    health.register('postgres', postgresCheck(createPgPool(env.databaseUrl, { shutdown })));
    // The client fails commands fast until connected (no offline queue): wait for it, as a
    // readiness probe would retry.
    const redis = createRedis(env.redisUrl, { shutdown });
    await once(redis, 'ready');
    health.register('redis', redisCheck(redis));
    health.register('kafka', kafkaCheck(admin));

    const result = await health.readiness();

    expect(result.ready).toBe(true);
    expect(Object.keys(result.checks).sort()).toEqual(['kafka', 'postgres', 'redis']);
  });

  it('when Postgres and Redis are unreachable, then readiness fails fast naming both', async () => {
    const port = await closedPort();
    const health = new HealthRegistry(1500);
    health.register(
      'postgres',
      postgresCheck(createPgPool(`postgres://postgres@127.0.0.1:${port}/x`, { shutdown })),
    );
    health.register('redis', redisCheck(createRedis(`redis://127.0.0.1:${port}`, { shutdown })));

    const started = Date.now();
    const result = await health.readiness();

    expect(result.ready).toBe(false);
    expect(result.checks.postgres?.status).toBe('down');
    expect(result.checks.redis?.status).toBe('down');
    expect(Date.now() - started).toBeLessThan(2500);
  });
});
