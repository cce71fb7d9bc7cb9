export { openApiSchema, openApiResponseSchema, type OpenApiSchema } from './open-api-schema';
export { PROBLEM_CONTENT_TYPE, PROBLEM_SCHEMA_NAME, problemSchema } from './problem-schema';
export {
  ADMIN_TOKEN_PROBLEMS,
  ApiProblems,
  ApiRelayedProblems,
  IDEMPOTENCY_PROBLEMS,
  INBOUND_PIPELINE_PROBLEMS,
  JSON_BODY_PROBLEMS,
  mergeProblemCodes,
  PLATFORM_PROBLEMS,
  problemResponseSchema,
  RATE_LIMITED_PROBLEMS,
  CUSTOMER_AUTH_PROBLEMS,
  SERVICE_AUTH_PROBLEMS,
  VALIDATION_PROBLEMS,
  type ProblemCodes,
} from './problem-responses';
export {
  createOpenApiDocument,
  OPENAPI_VERSION,
  CUSTOMER_TOKEN_SECURITY,
  SERVICE_TOKEN_SECURITY,
  type OpenApiInfo,
} from './open-api-document';
