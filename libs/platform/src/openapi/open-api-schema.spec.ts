import { z } from 'zod';
import { openApiResponseSchema, openApiSchema } from './open-api-schema';

const schema = z.object({
  quantity: z.int().positive(),
  note: z.string().nullable().optional(),
});

describe('openApiSchema', () => {
  it('when a request schema is converted, then it is JSON Schema 2020-12 without $schema (the OpenAPI 3.1 dialect)', () => {
    expect(openApiSchema(schema)).toEqual({
      type: 'object',
      properties: {
        quantity: { type: 'integer', exclusiveMinimum: 0, maximum: Number.MAX_SAFE_INTEGER },
        note: { type: ['string', 'null'] },
      },
      required: ['quantity'],
    });
  });

  it('when a response schema is converted, then no field beyond the documented ones is allowed', () => {
    expect(openApiResponseSchema(schema)).toMatchObject({ additionalProperties: false });
  });

  it('when the schema holds a transform, then that part is left unconstrained instead of throwing', () => {
    const transformed = z.object({ skus: z.string().transform((s) => s.split(',')) });

    expect(() => openApiResponseSchema(transformed)).not.toThrow();
  });
});
