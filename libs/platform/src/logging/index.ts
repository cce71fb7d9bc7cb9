export { JsonLogger, type LogLevel, type LogSink, stdoutSink } from './json-logger';
export { type LogFunction, logFunction } from './log-function';
export { redact, isSensitiveKey, withoutUrlPassword } from './redact';
export { routeProcessWarnings } from './process-warnings';
export {
  bufferedStdoutSink,
  createBufferedSink,
  type BufferedSink,
  type BufferedSinkOptions,
} from './buffered-sink';
