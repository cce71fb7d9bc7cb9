export { HealthRegistry, type HealthCheck, type CheckResult } from './health-registry';
export { postgresCheck, redisCheck, kafkaCheck } from './health-checks';
export { HealthController, SKIP_RESILIENCE } from './health.controller';
