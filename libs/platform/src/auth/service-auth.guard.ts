import {
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  type Provider,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { SERVICE_CONFIG } from '../bootstrap/platform.module';
import { SERVICE_TOKEN_SECURITY } from '../openapi/open-api-document';
import { bearerTokenOf } from './bearer-token';
import {
  ServiceTokenRequiredError,
  ServiceTokenVerifier,
  trustedServiceKeys,
} from './service-token';

/** DI token of the {@link ServiceTokenVerifier} that {@link ServiceAuthGuard} uses. */
export const SERVICE_TOKEN_VERIFIER = Symbol('SERVICE_TOKEN_VERIFIER');

/**
 * Provides the {@link ServiceTokenVerifier} of a called service: tokens must name `audience`
 * (the service's fixed identity, not its `SERVICE_NAME`, which replicas may vary) and be signed
 * by a caller in the config's `SERVICE_TOKEN_TRUSTED_KEYS`.
 */
export function serviceTokenVerifierProvider(audience: string): Provider {
  return {
    provide: SERVICE_TOKEN_VERIFIER,
    inject: [SERVICE_CONFIG],
    useFactory: (config: { SERVICE_TOKEN_TRUSTED_KEYS: string }) =>
      new ServiceTokenVerifier({
        audience,
        trusted: trustedServiceKeys(config.SERVICE_TOKEN_TRUSTED_KEYS),
      }),
  };
}

const PRINCIPAL = Symbol('servicePrincipal');
type WithPrincipal = FastifyRequest & { [PRINCIPAL]?: string };

/**
 * Admits only platform services: `Authorization: Bearer <service token>` addressed to this
 * service and signed by a caller it trusts, else 401 problem+json. Guards run before the
 * inbound interceptors, so a refused request costs no rate-limit, idempotency or database work.
 * Put it on a controller or route with `@UseGuards(ServiceAuthGuard)`.
 */
@Injectable()
export class ServiceAuthGuard implements CanActivate {
  constructor(@Inject(SERVICE_TOKEN_VERIFIER) private readonly verifier: ServiceTokenVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WithPrincipal>();
    const token = bearerTokenOf(request);
    if (token === undefined) throw new ServiceTokenRequiredError();
    request[PRINCIPAL] = await this.verifier.verify(token);
    return true;
  }
}

/** The calling service a {@link ServiceAuthGuard} admitted this request for, if any. */
export function servicePrincipalOf(request: FastifyRequest): string | undefined {
  return (request as WithPrincipal)[PRINCIPAL];
}

/**
 * A controller or route for platform services only: {@link ServiceAuthGuard}, and the service
 * token security scheme in the OpenAPI document. List `SERVICE_AUTH_PROBLEMS` in its
 * `@ApiProblems`.
 */
export function ServiceOnly(): ClassDecorator & MethodDecorator {
  return applyDecorators(UseGuards(ServiceAuthGuard), ApiBearerAuth(SERVICE_TOKEN_SECURITY));
}
