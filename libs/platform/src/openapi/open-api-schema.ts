import type { ApiResponseSchemaHost } from '@nestjs/swagger';
import { z } from 'zod';

/** An OpenAPI 3.1 schema object (JSON Schema 2020-12), as the swagger decorators take it. */
export type OpenApiSchema = ApiResponseSchemaHost['schema'];

/**
 * The OpenAPI 3.1 form of a zod schema, so the document at `/docs-json` comes from the very
 * schemas that validate requests and shape responses and cannot drift from them.
 *
 * zod writes JSON Schema 2020-12, which is OpenAPI 3.1's schema dialect (the document declares
 * 3.1, see {@link createOpenApiDocument}); only `$schema` is dropped, since the document's
 * dialect applies. `io: 'input'` (the default) describes what a request may send: optional
 * fields, defaults, coercions; `'output'` describes a response: every field the server writes
 * is listed and nothing else is allowed (`additionalProperties: false`), so a contract test
 * catches an undocumented field. Types JSON Schema cannot express (a transform's result) become
 * unconstrained rather than failing. Runs once per decorator, at start-up.
 */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): OpenApiSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  });
  return json as OpenApiSchema;
}

/** {@link openApiSchema} of a response body: the exact fields the server writes. */
export function openApiResponseSchema(schema: z.ZodType): OpenApiSchema {
  return openApiSchema(schema, 'output');
}
