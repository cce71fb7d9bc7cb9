export { METRIC_PREFIX, counter, gauge, histogram, type MetricSpec } from './metric-factory';
