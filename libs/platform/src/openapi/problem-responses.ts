import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { OpenApiSchema } from './open-api-schema';
import { PROBLEM_CONTENT_TYPE, PROBLEM_SCHEMA_NAME } from './problem-schema';

/** The problem codes an operation answers, by HTTP status (4xx/5xx). */
export type ProblemCodes = Readonly<Partial<Record<number, readonly string[]>>>;

/** What any route may answer: a bug nobody mapped (the detail reveals nothing). */
export const PLATFORM_PROBLEMS: ProblemCodes = { 500: ['HTTP.INTERNAL'] };

/** Path or query parameters checked by a `ZodValidationPipe`. */
export const VALIDATION_PROBLEMS: ProblemCodes = { 400: ['HTTP.VALIDATION_FAILED'] };

/** A JSON body: unparsable, invalid, too large, or not JSON at all. */
export const JSON_BODY_PROBLEMS: ProblemCodes = {
  400: ['HTTP.MALFORMED_BODY', 'HTTP.VALIDATION_FAILED'],
  413: ['HTTP.PAYLOAD_TOO_LARGE'],
  415: ['HTTP.UNSUPPORTED_MEDIA_TYPE'],
};

/** An `@Idempotent()` route of `@rc/resilience/nest`: the key is required and bound to one request. */
export const IDEMPOTENCY_PROBLEMS: ProblemCodes = {
  400: ['IDEMPOTENCY.KEY_MISSING', 'IDEMPOTENCY.KEY_INVALID'],
  409: ['IDEMPOTENCY.IN_FLIGHT'],
  422: ['IDEMPOTENCY.KEY_REUSED'],
};

/**
 * The inbound pipeline of `@rc/resilience/nest` on a route it protects: a malformed or spent
 * `x-request-timeout-ms` budget, and adaptive load shedding (`Retry-After`, `x-retry: no`).
 */
export const INBOUND_PIPELINE_PROBLEMS: ProblemCodes = {
  400: ['RESILIENCE.INVALID_DEADLINE_HEADER'],
  503: ['RESILIENCE.LOAD_SHED'],
  504: ['RESILIENCE.DEADLINE_EXCEEDED'],
};

/** A route with a per-client rate limit (`Retry-After` and `RateLimit` headers). */
export const RATE_LIMITED_PROBLEMS: ProblemCodes = { 429: ['RESILIENCE.RATE_LIMITED'] };

/** A route for platform services only, behind `ServiceAuthGuard` (a signed service token). */
export const SERVICE_AUTH_PROBLEMS: ProblemCodes = {
  401: ['AUTH.SERVICE_TOKEN_REQUIRED', 'AUTH.SERVICE_TOKEN_INVALID'],
};

/** A route for signed-in customers (`@CustomerOnly()`). */
export const CUSTOMER_AUTH_PROBLEMS: ProblemCodes = {
  401: ['AUTH.CREDENTIALS_REQUIRED', 'AUTH.TOKEN_INVALID'],
  403: ['AUTH.CUSTOMER_MISMATCH'],
};

/** An admin route behind the bearer admin token. */
export const ADMIN_TOKEN_PROBLEMS: ProblemCodes = { 401: ['RESILIENCE.ADMIN_UNAUTHORIZED'] };

/** The union of groups of codes, each status's codes once, in order of first mention. */
export function mergeProblemCodes(...groups: ProblemCodes[]): Record<number, string[]> {
  const merged: Record<number, string[]> = {};
  for (const group of groups)
    for (const [status, codes] of Object.entries(group)) {
      const into = (merged[Number(status)] ??= []);
      for (const code of codes ?? []) if (!into.includes(code)) into.push(code);
    }
  return merged;
}

/**
 * Schema of one problem response: the shared Problem, with this status and one of these codes
 * (a client can switch on `code`, and a contract test catches an undocumented one).
 */
export function problemResponseSchema(status: number, codes: readonly string[]): OpenApiSchema {
  return {
    allOf: [
      { $ref: `#/components/schemas/${PROBLEM_SCHEMA_NAME}` },
      { type: 'object', properties: { status: { const: status }, code: { enum: [...codes] } } },
    ],
  } as OpenApiSchema;
}

/**
 * Documents the problem+json responses of an operation: one response per status, content type
 * `application/problem+json`, the shared Problem schema narrowed to the status and its codes,
 * the codes listed in the description. 500 `HTTP.INTERNAL` is always included. Put it on the
 * method (a class-level response of the same status would be replaced, not merged):
 * `@ApiProblems(JSON_BODY_PROBLEMS, IDEMPOTENCY_PROBLEMS, { 404: ['CART.NOT_FOUND'] })`.
 */
export function ApiProblems(...groups: ProblemCodes[]): MethodDecorator {
  const merged = mergeProblemCodes(...groups, PLATFORM_PROBLEMS);
  return applyDecorators(
    ...Object.entries(merged).map(([status, codes]) =>
      ApiResponse({
        status: Number(status),
        description: codes.join(', '),
        content: {
          [PROBLEM_CONTENT_TYPE]: { schema: problemResponseSchema(Number(status), codes) },
        },
      }),
    ),
  );
}

/**
 * Documents the problem responses of a route that relays another service's answers as they are
 * (a backend-for-frontend): at each relayed status the shared Problem with that status and any
 * code (the upstream's document lists them), plus the route's own problems as
 * {@link ApiProblems} does. Put it on the method, instead of `ApiProblems`.
 */
export function ApiRelayedProblems(
  upstream: string,
  relayed: readonly number[],
  ...own: ProblemCodes[]
): MethodDecorator {
  const merged = mergeProblemCodes(...own, PLATFORM_PROBLEMS);
  const statuses = [...new Set([...relayed, ...Object.keys(merged).map(Number)])].sort(
    (a, b) => a - b,
  );
  return applyDecorators(
    ...statuses.map((status) => {
      const codes = merged[status] ?? [];
      const isRelayed = relayed.includes(status);
      const description = [
        ...(isRelayed ? [`relayed as ${upstream} answered it`] : []),
        ...codes,
      ].join(', ');
      const schema = isRelayed
        ? ({
            allOf: [
              { $ref: `#/components/schemas/${PROBLEM_SCHEMA_NAME}` },
              { type: 'object', properties: { status: { const: status } } },
            ],
          } as OpenApiSchema)
        : problemResponseSchema(status, codes);
      return ApiResponse({ status, description, content: { [PROBLEM_CONTENT_TYPE]: { schema } } });
    }),
  );
}
