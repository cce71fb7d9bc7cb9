import type { LoggerService } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { currentRequestContext } from '../context/request-context';
import { redact } from './redact';

/** Log levels in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Where log lines go (one JSON object per call, newline-terminated). Default: stdout. */
export type LogSink = (line: string) => void;
export const stdoutSink: LogSink = (line) => void process.stdout.write(line);

/**
 * Structured JSON logs: one object per line with `time`, `level`, `service`, `msg`, and — when
 * present — `trace_id`/`span_id` from the active OpenTelemetry span and `request_id` from the
 * request context. Extra fields pass through {@link redact}. Also Nest's `LoggerService`, so the
 * framework's own messages are JSON too.
 */
export class JsonLogger implements LoggerService {
  private readonly min: number;

  constructor(
    private readonly service: string,
    level: LogLevel = 'info',
    private readonly sink: LogSink = stdoutSink,
  ) {
    this.min = SEVERITY[level];
  }

  /** Writes one line at `level` with `msg` and optional structured `fields`. */
  write(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    if (SEVERITY[level] < this.min) return;
    const entry: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      service: this.service,
      msg,
    };
    const span = trace.getActiveSpan()?.spanContext();
    if (span && span.traceId !== '00000000000000000000000000000000') {
      entry.trace_id = span.traceId;
      entry.span_id = span.spanId;
    }
    const request = currentRequestContext();
    if (request) entry.request_id = request.requestId;
    if (fields) Object.assign(entry, redact(fields));
    this.sink(`${JSON.stringify(entry)}\n`);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.nest('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.nest('debug', message, rest);
  }
  log(message: unknown, ...rest: unknown[]): void {
    this.nest('info', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.nest('warn', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.nest('error', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.nest('error', message, rest);
  }

  /** Nest calls `log(message, context)` or `error(message, stack, context)`. */
  private nest(level: LogLevel, message: unknown, rest: unknown[]): void {
    const context =
      typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack =
      level === 'error' && typeof rest[0] === 'string' && rest.length > 1 ? rest[0] : undefined;
    if (message instanceof Error) {
      this.write(level, message.message, {
        context,
        err: { name: message.name, stack: message.stack },
      });
    } else if (typeof message === 'object' && message !== null) {
      const msg = (message as { msg?: unknown }).msg;
      this.write(level, typeof msg === 'string' ? msg : '', { context, ...message });
    } else {
      this.write(level, String(message), stack ? { context, stack } : { context });
    }
  }
}
