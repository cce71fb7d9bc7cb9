export { JsonLogger, type LogLevel, type LogSink, stdoutSink } from './json-logger';
export { redact, isSensitiveKey, withoutUrlPassword } from './redact';
