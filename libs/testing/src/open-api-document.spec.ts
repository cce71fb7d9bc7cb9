import { openApiDocumentIssues } from './open-api-document';

const problem = {
  description: 'HTTP.VALIDATION_FAILED',
  content: {
    'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
  },
};

/** A small document that passes every check; each test breaks one thing. */
function goodDocument() {
  return {
    openapi: '3.1.0',
    info: { title: 'demo', version: '1' },
    paths: {
      '/v1/items/{sku}': {
        get: {
          parameters: [{ name: 'sku', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'ok',
              content: {
                'application/json': {
                  schema: { type: 'object', properties: { n: { type: ['integer', 'null'] } } },
                },
              },
            },
            '400': problem,
            '500': { ...problem, description: 'HTTP.INTERNAL' },
          } as Record<string, unknown>,
        },
      },
    },
    components: { schemas: { Problem: { type: 'object', required: ['code'] } } },
  };
}

describe('openApiDocumentIssues', () => {
  it('when the document is valid 3.1 and every operation documents its problems, then there is no issue', async () => {
    expect(await openApiDocumentIssues(goodDocument())).toEqual([]);
  });

  it('when a 3.0 document embeds JSON Schema 2020-12 (numeric exclusiveMinimum), then it is invalid', async () => {
    // Arrange
    const doc = goodDocument();
    doc.openapi = '3.0.0';
    doc.paths['/v1/items/{sku}'].get.parameters[0]!.schema = {
      type: 'integer',
      exclusiveMinimum: 0,
    } as never;

    // Act
    const issues = await openApiDocumentIssues(doc);

    // Assert
    expect(issues).toEqual([
      expect.stringMatching(/^swagger-parser: .*exclusiveMinimum/s),
      'declares openapi 3.0.0, not 3.1.x',
    ]);
  });

  it('when a $ref names a schema the document does not have, then it is invalid', async () => {
    const doc = goodDocument();
    doc.components.schemas = {} as never;

    expect(await openApiDocumentIssues(doc)).toEqual([
      expect.stringMatching(/^swagger-parser: .*Problem/s),
    ]);
  });

  it('when an error is documented as application/json or not at all, then each gap is an issue', async () => {
    // Arrange
    const doc = goodDocument();
    const responses = doc.paths['/v1/items/{sku}'].get.responses;
    responses['400'] = { description: 'bad', content: { 'application/json': { schema: {} } } };
    delete responses['500'];

    // Act
    const issues = await openApiDocumentIssues(doc);

    // Assert
    expect(issues).toEqual([
      'GET /v1/items/{sku}: no 500 response',
      'GET /v1/items/{sku} 400: content application/json, not application/problem+json',
    ]);
  });

  it('when an operation that refuses nothing by design is named, then no 4xx is asked of it', async () => {
    const doc = goodDocument();
    delete doc.paths['/v1/items/{sku}'].get.responses['400'];

    const issues = await openApiDocumentIssues(doc, {
      withoutClientErrors: ['GET /v1/items/{sku}'],
    });

    expect(issues).toEqual([]);
  });

  it('when an operation documents no 4xx and its success has no schema, then both are issues', async () => {
    const doc = goodDocument();
    const responses = doc.paths['/v1/items/{sku}'].get.responses;
    delete responses['400'];
    responses['200'] = { description: 'ok' };

    expect(await openApiDocumentIssues(doc)).toEqual([
      'GET /v1/items/{sku}: no 4xx response',
      'GET /v1/items/{sku} 200: no body schema',
    ]);
  });
});
