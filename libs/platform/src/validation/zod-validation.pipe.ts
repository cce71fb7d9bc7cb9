import { type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ValidationFailedError } from '../errors/app-error';

/**
 * Validates a handler argument with a zod schema and passes on the parsed (typed, coerced)
 * value; failures become 400 `HTTP.VALIDATION_FAILED` with one entry per bad field.
 * Use: `@Body(new ZodValidationPipe(schema)) body: z.infer<typeof schema>`.
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown, metadata: ArgumentMetadata): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const where = metadata.type === 'custom' ? 'input' : metadata.type;
    throw new ValidationFailedError(
      where,
      result.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })),
    );
  }
}
