import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { documentFaultAdmin } from './fault-admin-operations';
import { PROBLEM_SCHEMA_NAME, problemSchema } from './problem-schema';

/** OpenAPI version of every document: 3.1, whose schema dialect is zod's JSON Schema 2020-12. */
export const OPENAPI_VERSION = '3.1.0';

/** The document's security scheme of service tokens (`@ServiceOnly()` routes refer to it). */
export const SERVICE_TOKEN_SECURITY = 'serviceToken';

/** The document's security scheme of customer tokens (`@CustomerOnly()` routes refer to it). */
export const CUSTOMER_TOKEN_SECURITY = 'customerToken';

/** Title, description and version of a service's API document. */
export interface OpenApiInfo {
  title: string;
  description?: string;
  version: string;
}

/**
 * A service's OpenAPI 3.1 document: every controller route (with the schemas of
 * {@link openApiSchema} and the problem responses of {@link ApiProblems}), plus the shared
 * `Problem` schema they refer to, and the fault admin API every service mounts. Built once
 * (served at `/docs-json`, see `bootstrapService`), never per request.
 */
export function createOpenApiDocument(app: INestApplication, info: OpenApiInfo): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion(OPENAPI_VERSION)
    .setTitle(info.title)
    .setDescription(info.description ?? '')
    .setVersion(info.version)
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'A service token: an EdDSA JWT a platform service signs for this service (iss = caller, aud = this service, 60 s).',
      },
      SERVICE_TOKEN_SECURITY,
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'A customer token: an EdDSA JWT the identity provider signs (sub = the customer id, aud = the platform); `npm start` writes development ones to .dev/credentials.json.',
      },
      CUSTOMER_TOKEN_SECURITY,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, [PROBLEM_SCHEMA_NAME]: problemSchema },
  };
  documentFaultAdmin(document);
  return document;
}
