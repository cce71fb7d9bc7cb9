import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { JsonLogger } from '../logging/json-logger';
import { toProblem } from './problem-details';

/**
 * The one place errors become HTTP responses: every error — domain errors, resilience
 * refusals, Nest HttpExceptions, unknown routes, malformed or oversized bodies, bugs — is
 * answered as `application/problem+json` with a stable `code`. 5xx are logged with the error;
 * 4xx at debug.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const { problem, headers } = toProblem(exception);
    problem.instance = request.url.split('?')[0];
    if (problem.status >= 500) {
      const err =
        exception instanceof Error
          ? { name: exception.name, message: exception.message, stack: exception.stack }
          : { value: String(exception) };
      this.logger.write('error', 'request failed', {
        code: problem.code,
        status: problem.status,
        err,
      });
    } else {
      this.logger.write('debug', 'request rejected', {
        code: problem.code,
        status: problem.status,
      });
    }
    if (reply.sent) return;
    void reply
      .status(problem.status)
      .headers(headers)
      .type('application/problem+json')
      .send(problem);
  }
}
