export { ServiceMetrics, HTTP_DURATION_BUCKETS } from './http-metrics';
export { MetricsController } from './metrics.controller';
export { exportPgPoolMetrics } from './pg-pool-metrics';
export { HeapReleaseAtRest, obtainGc, type GcFunction, type GcOptions } from './heap-release';
