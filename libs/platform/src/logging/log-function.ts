import type { JsonLogger, LogLevel } from './json-logger';

/**
 * A log line as a plain function: the shape framework-free libraries take as their log sink
 * (`@rc/messaging`'s `MessagingLogger`, the resilience and service adapters' `logger` options).
 */
export type LogFunction = (
  level: LogLevel,
  message: string,
  fields?: Record<string, unknown>,
) => void;

/** `logger` as a {@link LogFunction}: every line goes to the service's JSON log. */
export function logFunction(logger: JsonLogger): LogFunction {
  return (level, message, fields) => logger.write(level, message, fields);
}
