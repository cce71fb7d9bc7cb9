/**
 * The test environment contract: integration and end-to-end tests reach the real infrastructure
 * through these three variables. The defaults are the loopback services `npm run infra:up` starts.
 */
export interface TestEnv {
  /** Postgres database the lib suites use (`rc_test`). */
  databaseUrl: string;
  /** Redis server. */
  redisUrl: string;
  /** Kafka bootstrap brokers, comma-separated `host:port`. */
  kafkaBrokers: string[];
}

/** Reads DATABASE_URL, REDIS_URL and KAFKA_BROKERS, with loopback defaults. */
export function testEnv(env: NodeJS.ProcessEnv = process.env): TestEnv {
  return {
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/rc_test',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()),
  };
}
