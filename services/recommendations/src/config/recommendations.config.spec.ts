import { ConfigError, loadConfig } from '@rc/platform';
import { recommendationsConfigSchema } from './recommendations.config';

describe('recommendations config', () => {
  it('when nothing is set, then the defaults make a working development service', () => {
    // Act
    const config = loadConfig(recommendationsConfigSchema, {});

    // Assert
    expect(config).toMatchObject({
      SERVICE_NAME: 'recommendations',
      PORT: 3004,
      RECO_KEY_PREFIX: 'reco:',
      RECO_FRESH_TTL_MS: 30_000,
      RECO_STALE_TTL_MS: 3_600_000,
      RECO_ORDERS_TOPIC: 'orders',
      RECO_CONSUMER_GROUP: 'recommendations',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_CACHE_URL: 'redis://127.0.0.1:6380',
      KAFKA_FETCH_MAX_WAIT_MS: 5_000,
    });
    expect(config.RECO_STATIC_BESTSELLERS.length).toBeGreaterThan(0);
  });

  it('when the stale window is shorter than the fresh one, then it refuses to start', () => {
    // Act
    const load = () =>
      loadConfig(recommendationsConfigSchema, {
        RECO_FRESH_TTL_MS: '5000',
        RECO_STALE_TTL_MS: '1000',
      });

    // Assert
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/RECO_STALE_TTL_MS: must be >= RECO_FRESH_TTL_MS/);
  });

  it('when production runs with the development admin token, then it refuses to start', () => {
    expect(() => loadConfig(recommendationsConfigSchema, { NODE_ENV: 'production' })).toThrow(
      /ADMIN_TOKEN: must be set in production/,
    );
  });

  it('when production puts the cache on the state Redis, then it refuses to start naming REDIS_CACHE_URL', () => {
    // Act
    const load = () =>
      loadConfig(recommendationsConfigSchema, {
        NODE_ENV: 'production',
        ADMIN_TOKEN: 'a-production-admin-token',
        REDIS_URL: 'redis://redis:6379',
        REDIS_CACHE_URL: 'redis://redis/0',
      });

    // Assert
    expect(load).toThrow(/REDIS_CACHE_URL: must name another Redis than REDIS_URL in production/);
  });

  it('when production has a cache Redis of its own, then it starts', () => {
    expect(
      loadConfig(recommendationsConfigSchema, {
        NODE_ENV: 'production',
        ADMIN_TOKEN: 'a-production-admin-token',
        REDIS_URL: 'redis://redis:6379',
        REDIS_CACHE_URL: 'redis://redis-cache:6379',
      }).REDIS_CACHE_URL,
    ).toBe('redis://redis-cache:6379');
  });

  it('when the static list is given, then it is split into SKUs', () => {
    expect(
      loadConfig(recommendationsConfigSchema, { RECO_STATIC_BESTSELLERS: 'A, B ,C' })
        .RECO_STATIC_BESTSELLERS,
    ).toEqual(['A', 'B', 'C']);
  });

  it('when the fetch wait is under 100 ms, then it refuses to start naming KAFKA_FETCH_MAX_WAIT_MS', () => {
    expect(() =>
      loadConfig(recommendationsConfigSchema, { KAFKA_FETCH_MAX_WAIT_MS: '99' }),
    ).toThrow(/KAFKA_FETCH_MAX_WAIT_MS: Too small: expected number to be >=100/);
  });

  it('when Kafka is sasl_ssl without credentials, then it refuses to start naming the SASL keys', () => {
    expect(() =>
      loadConfig(recommendationsConfigSchema, { KAFKA_SECURITY_PROTOCOL: 'sasl_ssl' }),
    ).toThrow(
      /KAFKA_SASL_MECHANISM: required[^]*KAFKA_SASL_USERNAME: required[^]*KAFKA_SASL_PASSWORD: required/,
    );
  });
});
