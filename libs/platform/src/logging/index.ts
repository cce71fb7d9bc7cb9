export { JsonLogger, type LogLevel, type LogSink, stdoutSink } from './json-logger';
export { type LogFunction, logFunction } from './log-function';
export { redact, isSensitiveKey, withoutUrlPassword } from './redact';
export { routeProcessWarnings } from './process-warnings';
