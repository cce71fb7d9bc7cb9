import { ConfigError, loadConfig } from '@rc/platform';
import { analyticsConfigSchema } from './analytics.config';

describe('analytics config', () => {
  it('when nothing is set, then the defaults make a working development service', () => {
    // Act
    const config = loadConfig(analyticsConfigSchema, {});

    // Assert
    expect(config).toMatchObject({
      SERVICE_NAME: 'analytics',
      PORT: 3005,
      DATABASE_POOL_MAX: 10,
      ANALYTICS_CONSUMER_GROUP: 'analytics',
      KAFKA_FETCH_MAX_WAIT_MS: 5_000,
    });
  });

  it('when KAFKA_FETCH_MAX_WAIT_MS is outside 100 ms to 10 s, then it refuses to start naming the key', () => {
    // Act
    const tooShort = () => loadConfig(analyticsConfigSchema, { KAFKA_FETCH_MAX_WAIT_MS: '99' });
    const tooLong = () => loadConfig(analyticsConfigSchema, { KAFKA_FETCH_MAX_WAIT_MS: '30000' });

    // Assert
    expect(tooShort).toThrow(ConfigError);
    expect(tooShort).toThrow(/KAFKA_FETCH_MAX_WAIT_MS: Too small: expected number to be >=100/);
    expect(tooLong).toThrow(/KAFKA_FETCH_MAX_WAIT_MS: Too big: expected number to be <=10000/);
  });
});
