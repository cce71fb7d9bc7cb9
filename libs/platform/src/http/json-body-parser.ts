import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppError } from '../errors/app-error';

/** 400 for a body that is not valid JSON while its content type says it is. */
export class MalformedBodyError extends AppError {
  readonly code = 'HTTP.MALFORMED_BODY';
  readonly httpStatus = 400;
}

type Done = (err: Error | null, value?: unknown) => void;

/** Deepest nesting of objects and arrays a JSON body may have. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether JSON `text` nests objects/arrays deeper than `limit`, found by one scan of the text
 * (strings skipped) before anything parses it: a 40 KB body can nest 20 000 levels, and every
 * recursive walk after the parser — the idempotency fingerprint, validation — would overflow
 * the stack on it and answer 500.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \\ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}

/**
 * The only body parser a service has: JSON, through Fastify's own parser (prototype-poisoning
 * protection, body limit), with its failures turned into {@link MalformedBodyError} so they reach
 * the problem+json filter with a stable code; a body nested deeper than {@link MAX_JSON_DEPTH}
 * is refused the same way before it is parsed. Any other content type gets 415.
 */
export function installJsonBodyParser(app: NestFastifyApplication, bodyLimit: number): void {
  const parse = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit }, (request, body, done: Done) => {
    if (body.length === 0) {
      return done(new MalformedBodyError('The JSON request body is empty.'));
    }
    const text = body.toString('utf8');
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
      return done(
        new MalformedBodyError(`The JSON request body nests deeper than ${MAX_JSON_DEPTH} levels.`),
      );
    }
    void parse(request as never, text, (err: Error | null, value: unknown) => {
      if (err) done(new MalformedBodyError('The request body is not valid JSON.', { cause: err }));
      else done(null, value);
    });
  });
}
