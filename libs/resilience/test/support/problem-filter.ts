import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { isHttpMappedError } from '../../src/nest';

/** Maps errors the way docs/inbound.md tells the platform's problem+json filter to. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(e: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (isHttpMappedError(e)) {
      void reply.status(e.httpStatus).headers(e.headers).type('application/problem+json');
      void reply.send({ status: e.httpStatus, code: e.code });
    } else if (e instanceof HttpException) {
      void reply.status(e.getStatus()).send(e.getResponse());
    } else {
      void reply.status(500).send({ code: 'INTERNAL' });
    }
  }
}
