import type { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from './problem-schema';
import {
  ADMIN_TOKEN_PROBLEMS,
  JSON_BODY_PROBLEMS,
  mergeProblemCodes,
  PLATFORM_PROBLEMS,
  type ProblemCodes,
  problemResponseSchema,
} from './problem-responses';

/** Path of the fault-injection admin API that `ResilienceModule` mounts in every service. */
export const FAULT_ADMIN_PATH = '/admin/faults';

/** `{ rules }` of GET and PUT `/admin/faults` (rules as `@rc/resilience` FaultRule). */
const faultRulesSchema = {
  type: 'object',
  required: ['rules'],
  properties: { rules: { type: 'array', items: { type: 'object' } } },
};

/** Problems of each operation of the fault admin API, beyond the admin token's 401. */
const FAULT_ADMIN_PROBLEMS: Record<string, ProblemCodes> = {
  get: { 404: ['HTTP.NOT_FOUND'] },
  put: {
    ...JSON_BODY_PROBLEMS,
    400: ['HTTP.MALFORMED_BODY', 'FAULT_INJECTION.INVALID_RULES'],
    403: ['FAULT_INJECTION.DESTRUCTIVE_REFUSED'],
    404: ['HTTP.NOT_FOUND'],
  },
  delete: { 404: ['HTTP.NOT_FOUND'] },
};

type Operation = {
  requestBody?: unknown;
  responses: Record<string, { description: string; content?: Record<string, unknown> }>;
};

/**
 * Documents `/admin/faults` (the fault-injection switch, see `@rc/resilience/nest`
 * FaultAdminController) in the document: the toolkit stays free of swagger, so the platform,
 * which serves the document, describes its bodies and problem responses here.
 */
export function documentFaultAdmin(document: OpenAPIObject): void {
  const path = document.paths[FAULT_ADMIN_PATH] as Record<string, Operation> | undefined;
  if (!path) return;
  for (const [method, problems] of Object.entries(FAULT_ADMIN_PROBLEMS)) {
    const operation = path[method];
    if (!operation) continue;
    operation.responses = {};
    if (method === 'delete') operation.responses['204'] = { description: 'Every fault off.' };
    else
      operation.responses['200'] = {
        description: 'The rules in force.',
        content: { 'application/json': { schema: faultRulesSchema } },
      };
    if (method === 'put')
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: faultRulesSchema } },
      };
    const merged = mergeProblemCodes(ADMIN_TOKEN_PROBLEMS, problems, PLATFORM_PROBLEMS);
    for (const [status, codes] of Object.entries(merged))
      operation.responses[status] = {
        description: codes.join(', '),
        content: {
          [PROBLEM_CONTENT_TYPE]: { schema: problemResponseSchema(Number(status), codes) },
        },
      };
  }
}
