import type { OpenApiSchema } from './open-api-schema';

/** Name of the shared problem+json schema under `components.schemas`. */
export const PROBLEM_SCHEMA_NAME = 'Problem';

/** Media type of every error response of the platform. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * JSON Schema of `ProblemDetails` (errors/problem-details.ts), the body of every 4xx/5xx the
 * platform answers (the ProblemDetailsFilter, Fastify's framework errors, the admin listener's
 * 404). Extra members are the error's safe metadata (`errors` of HTTP.VALIDATION_FAILED, `sku`
 * and `available` of an out-of-stock refusal, …), so they stay allowed.
 */
export const problemSchema: OpenApiSchema = {
  type: 'object',
  description:
    'RFC 9457 problem details with a stable, namespaced `code`. Other members carry safe details of the error.',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: {
      type: 'string',
      format: 'uri',
      description: '`urn:problem:<code in lower case>`',
      examples: ['urn:problem:checkout.out_of_stock'],
    },
    title: { type: 'string', description: 'The reason phrase of the status.' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string', description: 'What went wrong, safe to show a client.' },
    code: {
      type: 'string',
      pattern: '^[A-Z][A-Z0-9_]*(\\.[A-Z0-9_]+)+$',
      description: 'Stable error code: what a client branches on.',
      examples: ['CHECKOUT.OUT_OF_STOCK'],
    },
    instance: { type: 'string', description: 'The request path (no query).' },
    errors: {
      type: 'array',
      description: 'HTTP.VALIDATION_FAILED: one entry per invalid field.',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
  additionalProperties: true,
};
