/**
 * @rc/testing — helpers shared by the integration and end-to-end suites: the test environment
 * contract, fail-fast infrastructure checks and collision-free names.
 */
export { type TestEnv, testEnv } from './config/test-env';
export {
  InfrastructureUnavailableError,
  requireKafka,
  requirePostgres,
  requireRedis,
} from './require-infra';
export { uniqueName } from './unique-name';
export { closedPort } from './closed-port';
export { type PlatformService, PLATFORM_SERVICES } from './platform-services';
export { ServiceProcess, type ServiceProcessOptions } from './service-process';
export { PlatformUnderTest, type PlatformUnderTestOptions } from './platform-under-test';
export { acquirePlatformLock, PLATFORM_LOCK_KEY, type PlatformLockOptions } from './platform-lock';
export { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database';
