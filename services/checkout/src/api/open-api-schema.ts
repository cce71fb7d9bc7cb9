import type { ApiResponseSchemaHost } from '@nestjs/swagger';
import { z } from 'zod';

/** An OpenAPI schema object, as the swagger decorators take it. */
export type OpenApiSchema = ApiResponseSchemaHost['schema'];

/**
 * The OpenAPI form of a zod schema, so the document at /docs comes from the very schemas that
 * validate requests and shape responses.
 */
export function openApiSchema(schema: z.ZodType): OpenApiSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  });
  return json as OpenApiSchema;
}
