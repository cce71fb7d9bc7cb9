export { METRIC_PREFIX, counter, gauge, histogram } from './metric-factory';
