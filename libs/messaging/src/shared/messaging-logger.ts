/** Severity of a {@link MessagingLogger} entry. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Where this package writes its log lines: a function the service supplies (typically bound to
 * its structured logger). Fields are plain values: topics, partitions, offsets, event ids and
 * error codes, never payloads, card data or tokens.
 */
export type MessagingLogger = (
  level: LogLevel,
  message: string,
  fields?: Record<string, unknown>,
) => void;

/** A logger that drops everything (the default: libraries stay silent unless asked). */
export const silentLogger: MessagingLogger = () => undefined;
