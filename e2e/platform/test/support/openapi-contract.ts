import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { JsonResponse } from './http';

/** The parts of an OpenAPI 3.1 document a contract check reads. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}
interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/** One real answer checked against the document: which operation, which status. */
export interface Checked {
  operation: string;
  status: number;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/**
 * Checks real responses of one service against its own OpenAPI document (`/docs-json`): the
 * status must be documented for the operation, the content type must be the documented one
 * (`application/json`, `application/problem+json`) and the body must validate against the
 * documented schema (JSON Schema 2020-12, the document's `#/components/...` refs resolved).
 * Remembers what it checked, so a suite can tell which operations it never exercised.
 */
export class OpenApiContract {
  readonly checked: Checked[] = [];
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly rootId: string;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(
    readonly service: string,
    readonly document: OpenApiDocument,
  ) {
    addFormats(this.ajv);
    // The whole document as one schema resource, so `#/components/schemas/Problem` resolves.
    this.rootId = `https://openapi.contract.test/${service}`;
    this.ajv.addSchema({ $id: this.rootId, components: document.components ?? {} });
  }

  /** Every operation of the document, as `METHOD /path/{template}`. */
  operations(): string[] {
    return Object.entries(this.document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => METHODS.includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
  }

  /**
   * What is wrong with `res` as an answer of `operation` (`'POST /v1/carts/{cartId}/items'`),
   * one line per issue; empty when it conforms.
   */
  issues(operation: string, res: JsonResponse): string[] {
    const [method, path] = operation.split(' ') as [string, string];
    const documented = this.document.paths[path]?.[method.toLowerCase()];
    if (!documented) return [`${this.service}: ${operation} is not in the document`];
    this.checked.push({ operation, status: res.status });
    const where = `${this.service} ${operation} → ${res.status}`;
    const response = documented.responses[String(res.status)];
    if (!response)
      return [
        `${where}: status not documented (documented: ${Object.keys(documented.responses).join(', ')})`,
      ];
    const contentType = res.headers.get('content-type')?.split(';')[0]?.trim();
    if (!response.content)
      return contentType ? [`${where}: a body (${contentType}) where none`] : [];
    const media = contentType ? response.content[contentType] : undefined;
    if (!media)
      return [
        `${where}: content type ${contentType ?? 'none'}, documented ${Object.keys(response.content).join(', ')}`,
      ];
    if (!media.schema) return [`${where}: no schema documented`];
    const validate = this.validator(`${operation} ${res.status} ${contentType}`, media.schema);
    if (validate(res.body)) return [];
    return (validate.errors ?? []).map(
      (e) => `${where}: body${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  }

  /** The compiled schema of one documented answer (compiled once). */
  private validator(id: string, schema: unknown): ValidateFunction {
    let validate = this.validators.get(id);
    if (!validate) {
      validate = this.ajv.compile({
        $id: `${this.rootId}/answers/${this.validators.size}`,
        ...this.withRoot(schema),
      });
      this.validators.set(id, validate);
    }
    return validate;
  }

  /** Local refs (`#/components/...`) of a response schema point into the document resource. */
  private withRoot(schema: unknown): Record<string, unknown> {
    return JSON.parse(
      JSON.stringify(schema).replaceAll('"$ref":"#/', `"$ref":"${this.rootId}#/`),
    ) as Record<string, unknown>;
  }
}
