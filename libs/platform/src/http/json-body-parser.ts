import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppError } from '../errors/app-error';

/** 400 for a body that is not valid JSON while its content type says it is. */
export class MalformedBodyError extends AppError {
  readonly code = 'HTTP.MALFORMED_BODY';
  readonly httpStatus = 400;
}

type Done = (err: Error | null, value?: unknown) => void;

/**
 * The only body parser a service has: JSON, through Fastify's own parser (prototype-poisoning
 * protection, body limit), with its failures turned into {@link MalformedBodyError} so they reach
 * the problem+json filter with a stable code. Any other content type gets 415.
 */
export function installJsonBodyParser(app: NestFastifyApplication, bodyLimit: number): void {
  const parse = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit }, (request, body, done: Done) => {
    if (body.length === 0) {
      return done(new MalformedBodyError('The JSON request body is empty.'));
    }
    void parse(request as never, body.toString('utf8'), (err: Error | null, value: unknown) => {
      if (err) done(new MalformedBodyError('The request body is not valid JSON.', { cause: err }));
      else done(null, value);
    });
  });
}
