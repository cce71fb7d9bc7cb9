import { HttpException } from '@nestjs/common';
import { isAppError } from './app-error';

/** An RFC 9457 problem document with the platform's stable `code`. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  [extension: string]: unknown;
}

/** The problem plus the response headers it needs (Retry-After, rate-limit headers, …). */
export interface MappedProblem {
  problem: ProblemDetails;
  headers: Record<string, string>;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Codes for Nest's HttpExceptions and framework errors, by status. */
const HTTP_CODES: Record<number, string> = {
  400: 'HTTP.BAD_REQUEST',
  401: 'HTTP.UNAUTHORIZED',
  403: 'HTTP.FORBIDDEN',
  404: 'HTTP.NOT_FOUND',
  405: 'HTTP.METHOD_NOT_ALLOWED',
  406: 'HTTP.NOT_ACCEPTABLE',
  409: 'HTTP.CONFLICT',
  413: 'HTTP.PAYLOAD_TOO_LARGE',
  415: 'HTTP.UNSUPPORTED_MEDIA_TYPE',
  422: 'HTTP.UNPROCESSABLE',
  429: 'HTTP.TOO_MANY_REQUESTS',
};

/**
 * Fastify's own error codes: body parsing and content types (they reach the filter), a path
 * Fastify's router refuses before any route runs (they come through its `frameworkErrors` hook,
 * see `http/framework-errors.ts`), and the HTTP parser's refusals (its `clientErrorHandler`).
 */
const FASTIFY_CODES: Record<string, { status: number; code: string; detail: string }> = {
  FST_ERR_BAD_URL: {
    status: 400,
    code: 'HTTP.BAD_URL',
    detail: 'The request path is not a valid URL (a malformed percent-escape).',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    code: 'HTTP.URI_TOO_LONG',
    detail: 'A path segment is longer than the server accepts.',
  },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'HTTP.HEADERS_TOO_LARGE',
    detail: 'The request line and headers are larger than the server accepts.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'HTTP.REQUEST_TIMEOUT',
    detail: 'The request was not received in time.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'HTTP.MALFORMED_BODY',
    detail: 'The request body is not valid JSON.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'HTTP.MALFORMED_BODY',
    detail: 'The JSON request body is empty.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'HTTP.PAYLOAD_TOO_LARGE',
    detail: 'The request body is too large.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'HTTP.UNSUPPORTED_MEDIA_TYPE',
    detail: 'This content type is not accepted.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'HTTP.MALFORMED_BODY',
    detail: 'Content-Length does not match the body.',
  },
};

/** Stable `type` URI for a code: `urn:problem:<code>` (RFC 9457 allows any URI). */
export function problemType(code: string): string {
  return `urn:problem:${code.toLowerCase()}`;
}

function problem(
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): ProblemDetails {
  return {
    type: problemType(code),
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...extra,
  };
}

function retryAfterHeader(ms: number | undefined): Record<string, string> {
  return ms === undefined ? {} : { 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))) };
}

/** Duck type shared with `@rc/resilience`: any error carrying an HTTP status and a stable code. */
interface HttpCodedError {
  httpStatus: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
  retryAfterMs?: number;
}

export function isHttpCoded(e: unknown): e is HttpCodedError {
  const c = e as Partial<HttpCodedError> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.httpStatus === 'number' &&
    typeof c.code === 'string'
  );
}

/**
 * Maps any thrown value to a problem document with a stable code. Unknown errors become a
 * generic 500 whose detail reveals nothing of the error.
 */
export function toProblem(e: unknown): MappedProblem {
  if (isAppError(e)) {
    return {
      problem: problem(e.httpStatus, e.code, e.message, e.meta),
      headers: retryAfterHeader(e.retryAfterMs),
    };
  }
  if (isHttpCoded(e)) {
    return {
      problem: problem(e.httpStatus, e.code, e.message),
      headers: { ...retryAfterHeader(e.retryAfterMs), ...(e.headers ?? {}) },
    };
  }
  if (e instanceof HttpException) {
    const status = e.getStatus();
    const body = e.getResponse();
    const message =
      typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : body;
    // A 5xx says nothing of its cause to the client.
    const detail =
      status >= 500
        ? 'An unexpected error occurred.'
        : Array.isArray(message)
          ? message.join('; ')
          : typeof message === 'string'
            ? message
            : e.message;
    return {
      problem: problem(status, HTTP_CODES[status] ?? `HTTP.${status}`, detail),
      headers: {},
    };
  }
  const fastify = FASTIFY_CODES[(e as { code?: string } | null)?.code ?? ''];
  if (fastify)
    return { problem: problem(fastify.status, fastify.code, fastify.detail), headers: {} };
  const status = (e as { statusCode?: unknown } | null)?.statusCode;
  // Fastify's JSON parser (as Nest registers it) rejects bad JSON with a SyntaxError + 400.
  if ((e as Error | null)?.name === 'SyntaxError' && status === 400) {
    const malformed = FASTIFY_CODES.FST_ERR_CTP_INVALID_JSON_BODY!;
    return { problem: problem(400, malformed.code, malformed.detail), headers: {} };
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      problem: problem(
        status,
        HTTP_CODES[status] ?? 'HTTP.BAD_REQUEST',
        'The request could not be processed.',
      ),
      headers: {},
    };
  }
  return { problem: problem(500, 'HTTP.INTERNAL', 'An unexpected error occurred.'), headers: {} };
}
