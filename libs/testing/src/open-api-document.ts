import SwaggerParser from '@apidevtools/swagger-parser';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const PROBLEM = 'application/problem+json';

interface Response {
  content?: Record<string, { schema?: unknown }>;
}
interface Document {
  openapi?: unknown;
  paths?: Record<string, Record<string, { responses?: Record<string, Response> }>>;
}

/**
 * What keeps a service's OpenAPI document (`/docs-json`) from being one a client can use, one
 * line per issue; empty when there is none. The document must pass `@apidevtools/swagger-parser`
 * `validate` (OpenAPI schema, every `$ref` resolved) and declare OpenAPI 3.1 (its schemas are
 * JSON Schema 2020-12). Every operation must document a success, at least one 4xx and the 500,
 * every 4xx/5xx as `application/problem+json` with a schema, and every success body a schema.
 * `withoutClientErrors` names the operations (`GET /path`) that by design refuse nothing.
 */
export async function openApiDocumentIssues(
  document: unknown,
  options: { withoutClientErrors?: readonly string[] } = {},
): Promise<string[]> {
  const issues: string[] = [];
  try {
    // validate() dereferences in place: work on a copy.
    await SwaggerParser.validate(structuredClone(document) as never);
  } catch (e) {
    issues.push(`swagger-parser: ${e instanceof Error ? e.message : String(e)}`);
  }
  const doc = document as Document;
  if (typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.1.'))
    issues.push(`declares openapi ${String(doc.openapi)}, not 3.1.x`);
  for (const [path, item] of Object.entries(doc.paths ?? {}))
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const where = `${method.toUpperCase()} ${path}`;
      const needs4xx = !options.withoutClientErrors?.includes(where);
      issues.push(...operationIssues(where, operation.responses ?? {}, needs4xx));
    }
  return issues;
}

function operationIssues(
  where: string,
  responses: Record<string, Response>,
  needs4xx: boolean,
): string[] {
  const issues: string[] = [];
  const statuses = Object.keys(responses);
  if (!statuses.some((s) => s.startsWith('2'))) issues.push(`${where}: no success response`);
  if (needs4xx && !statuses.some((s) => s.startsWith('4')))
    issues.push(`${where}: no 4xx response`);
  if (!statuses.includes('500')) issues.push(`${where}: no 500 response`);
  for (const [status, response] of Object.entries(responses)) {
    const types = Object.keys(response.content ?? {});
    if (/^[45]/.test(status)) {
      if (types.length !== 1 || types[0] !== PROBLEM)
        issues.push(`${where} ${status}: content ${types.join(', ') || 'none'}, not ${PROBLEM}`);
      else if (!response.content![PROBLEM]!.schema) issues.push(`${where} ${status}: no schema`);
    } else if (status.startsWith('2') && status !== '204') {
      const bodies = Object.values(response.content ?? {});
      if (bodies.length === 0 || bodies.some((b) => !b.schema))
        issues.push(`${where} ${status}: no body schema`);
    }
  }
  return issues;
}

/** What a running service's `/docs-json` answered: see {@link servedOpenApiDocument}. */
export interface ServedOpenApiDocument {
  status: number;
  /** {@link openApiDocumentIssues} of the document (empty when a client can use it). */
  issues: string[];
  /** Its paths, sorted: a test compares them with the routes the service must document. */
  paths: string[];
}

/** Fetches `<baseUrl>/docs-json` and says whether it is a usable document, and of which paths. */
export async function servedOpenApiDocument(baseUrl: string): Promise<ServedOpenApiDocument> {
  const res = await fetch(`${baseUrl}/docs-json`);
  const document = (await res.json()) as { paths?: Record<string, unknown> };
  return {
    status: res.status,
    issues: await openApiDocumentIssues(document),
    paths: Object.keys(document.paths ?? {}).sort(),
  };
}
