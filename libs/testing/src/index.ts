/**
 * @rc/testing — helpers shared by the integration and end-to-end suites: the test environment
 * contract, fail-fast infrastructure checks, collision-free names, throw-away databases, schemas
 * and Redis key spaces, Kafka test helpers (topics, groups, reading what was published), polling
 * and metric reading, an OTLP/HTTP trace receiver, the check of a service's OpenAPI document, and
 * the `/proc/<pid>/stat` reading the benchmarks bill CPU with.
 */
export {
  serviceTestEnv,
  TEST_KAFKA_FETCH_MAX_WAIT_MS,
  type TestEnv,
  testEnv,
} from './config/test-env';
export {
  InfrastructureUnavailableError,
  requireKafka,
  requirePostgres,
  requireRedis,
} from './require-infra';
export { uniqueName } from './unique-name';
export { closedPort } from './closed-port';
export { installInMemoryTracing, type InMemoryTracing, type SpanRun } from './in-memory-tracing';
export {
  EDGE_NICENESS,
  nicenessOf,
  type PlatformService,
  PLATFORM_SERVICES,
  TIER_NICENESS,
} from './platform-services';
export {
  SERVICE_NODE_OPTIONS,
  ServiceProcess,
  type ServiceProcessOptions,
} from './service-process';
export { PlatformUnderTest, type PlatformUnderTestOptions } from './platform-under-test';
export { customerTokenEnv, serviceTokenEnv, testServiceKeyPair } from './service-token-keys';
export { acquirePlatformLock, PLATFORM_LOCK_KEY, type PlatformLockOptions } from './platform-lock';
export { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database';
export { createThrowawaySchema, type ThrowawaySchema } from './throwaway-schema';
export { waitFor, withTimeout } from './wait-for';
export { metricValue, type MetricsSource } from './metric-value';
export {
  clockTicksPerSecond,
  databaseBackendTicks,
  parseProcStat,
  type ProcStat,
} from './proc-stat';
export { createRedisFixture, type RedisFixture } from './redis-fixture';
export { sendJson } from './send-json';
export {
  openApiDocumentIssues,
  servedOpenApiDocument,
  type ServedOpenApiDocument,
} from './open-api-document';
export { OtlpReceiver, type OtlpReceiverOptions, type ReceivedSpan } from './otlp-receiver';
export {
  createTestTopics,
  deleteGroups,
  deleteTopics,
  type EnsureTestTopics,
  FAST_GROUP,
  fastConsumerConfig,
  messageCount,
  readAll,
  readMessages,
  type TestTopics,
  type TestTopicsOptions,
  withAdmin,
} from './kafka';
