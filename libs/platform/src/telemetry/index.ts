export { startTelemetry, type TelemetryOptions } from './telemetry';
