import type { ApiResponseSchemaHost } from '@nestjs/swagger';
import { z } from 'zod';

/** An OpenAPI schema object, as the swagger decorators take it. */
export type OpenApiSchema = ApiResponseSchemaHost['schema'];

/**
 * The OpenAPI form of a zod schema, so the document at /docs is generated from the very
 * schemas that validate requests and cannot drift from them.
 */
export function openApiSchema(schema: z.ZodType): OpenApiSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input' });
  return json as OpenApiSchema;
}
