import { serviceTestEnv, testEnv } from './test-env';

describe('serviceTestEnv', () => {
  it('when built from a test environment, then the service listens on any loopback port and uses its Redis and Kafka with a 1 s fetch wait', () => {
    // Arrange
    const env = testEnv({
      REDIS_URL: 'redis://redis.test:6380',
      KAFKA_BROKERS: 'k1:9092, k2:9092',
    });

    // Act
    const service = serviceTestEnv(env);

    // Assert
    expect(service).toEqual({
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL: 'redis://redis.test:6380',
      KAFKA_BROKERS: 'k1:9092,k2:9092',
      KAFKA_FETCH_MAX_WAIT_MS: '1000',
    });
  });
});
