import {
  IDEMPOTENCY_PROBLEMS,
  JSON_BODY_PROBLEMS,
  mergeProblemCodes,
  problemResponseSchema,
} from './problem-responses';

describe('mergeProblemCodes', () => {
  it('when groups share a status, then its codes are listed once each, in order of first mention', () => {
    // Act
    const merged = mergeProblemCodes(JSON_BODY_PROBLEMS, IDEMPOTENCY_PROBLEMS, {
      400: ['HTTP.VALIDATION_FAILED'],
    });

    // Assert
    expect(merged[400]).toEqual([
      'HTTP.MALFORMED_BODY',
      'HTTP.VALIDATION_FAILED',
      'IDEMPOTENCY.KEY_MISSING',
      'IDEMPOTENCY.KEY_INVALID',
    ]);
    expect(Object.keys(merged)).toEqual(['400', '409', '413', '415', '422']);
  });
});

describe('problemResponseSchema', () => {
  it('when built for a status, then it is the shared Problem narrowed to that status and its codes', () => {
    expect(problemResponseSchema(404, ['CART.NOT_FOUND'])).toEqual({
      allOf: [
        { $ref: '#/components/schemas/Problem' },
        {
          type: 'object',
          properties: { status: { const: 404 }, code: { enum: ['CART.NOT_FOUND'] } },
        },
      ],
    });
  });
});
