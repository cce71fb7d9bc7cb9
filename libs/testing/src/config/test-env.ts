/**
 * The test environment contract: integration and end-to-end tests reach the real infrastructure
 * through these variables. The defaults are the loopback services `npm run infra:up` starts.
 */
export interface TestEnv {
  /** Postgres database the lib suites use (`rc_test`). */
  databaseUrl: string;
  /** Redis server holding state (`noeviction`). */
  redisUrl: string;
  /** Redis server holding caches (`allkeys-lru`; recommendations' answers). */
  redisCacheUrl: string;
  /** Kafka bootstrap brokers, comma-separated `host:port`. */
  kafkaBrokers: string[];
}

/** Reads DATABASE_URL, REDIS_URL, REDIS_CACHE_URL and KAFKA_BROKERS, with loopback defaults. */
export function testEnv(env: NodeJS.ProcessEnv = process.env): TestEnv {
  return {
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/rc_test',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisCacheUrl: env.REDIS_CACHE_URL ?? 'redis://127.0.0.1:6380',
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()),
  };
}

/**
 * `KAFKA_FETCH_MAX_WAIT_MS` of every service a test runs: tests stop and restart services often,
 * and a consumer's stop waits for its fetch in flight, so 1 s instead of the services' 5 s
 * default. A service without a consumer ignores the key.
 */
export const TEST_KAFKA_FETCH_MAX_WAIT_MS = '1000';

/**
 * The environment of a service a test starts in-process: any free loopback port, and the test
 * Redis and Kafka. Spread it first, then the service's own keys (its database, topics, tokens).
 */
export function serviceTestEnv(env: TestEnv = testEnv()): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: env.redisUrl,
    KAFKA_BROKERS: env.kafkaBrokers.join(','),
    KAFKA_FETCH_MAX_WAIT_MS: TEST_KAFKA_FETCH_MAX_WAIT_MS,
  };
}
