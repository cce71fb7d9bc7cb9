import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { JsonLogger } from '../logging/json-logger';
import { isAppError } from './app-error';
import { dataStoreUnavailable } from './data-store-unavailable';
import { isHttpCoded, type ProblemDetails, toProblem } from './problem-details';

/**
 * The one place errors become HTTP responses: every error — domain errors, resilience
 * refusals, Nest HttpExceptions, unknown routes, malformed or oversized bodies, bugs — is
 * answered as `application/problem+json` with a stable `code`, logged as
 * {@link problemLogEntry} says.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(thrown: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw thrown;
    // An unreachable database or Redis is a 503 the client may retry, not a 500 bug.
    const exception = dataStoreUnavailable(thrown) ?? thrown;
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const { problem, headers } = toProblem(exception);
    problem.instance = request.url.split('?')[0];
    const entry = problemLogEntry(exception, problem);
    this.logger.write(entry.level, entry.message, entry.fields);
    if (reply.sent) return;
    void reply
      .status(problem.status)
      .headers(headers)
      .type('application/problem+json')
      .send(problem);
  }
}

/** What {@link ProblemDetailsFilter} logs for an error it answered. */
export interface ProblemLogEntry {
  level: 'debug' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/**
 * How an answered error is logged. Only an error nobody mapped (a bug: the client got a generic
 * 500) is logged at `error` with its stack. A coded error that tells the client when to retry
 * (`Retry-After`: shed, rate limited, circuit open, a request in flight) is back-pressure: it is
 * counted by the resilience metrics and traced, and logged at `debug` only — a line with a stack
 * per shed request would make an overloaded service spend its CPU on logging. Other coded 5xx
 * (a dependency unavailable) are `warn` with the code and message, without a stack; 4xx are
 * `debug`.
 */
export function problemLogEntry(exception: unknown, problem: ProblemDetails): ProblemLogEntry {
  const fields: Record<string, unknown> = { code: problem.code, status: problem.status };
  if (problem.status < 500) return { level: 'debug', message: 'request rejected', fields };
  const coded = isAppError(exception) || isHttpCoded(exception);
  if (!coded) {
    const err =
      exception instanceof Error
        ? { name: exception.name, message: exception.message, stack: exception.stack }
        : { value: String(exception) };
    return { level: 'error', message: 'request failed', fields: { ...fields, err } };
  }
  if ((exception as { retryAfterMs?: unknown }).retryAfterMs !== undefined)
    return { level: 'debug', message: 'request refused (back-pressure)', fields };
  const { name, message } = exception as Error;
  return {
    level: 'warn',
    message: 'request failed',
    fields: { ...fields, err: { name, message } },
  };
}
