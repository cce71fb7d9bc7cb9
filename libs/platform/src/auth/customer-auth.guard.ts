import {
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Optional,
  type Provider,
  UseGuards,
} from '@nestjs/common';
import { decodeJwt } from 'jose';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { SERVICE_CONFIG } from '../bootstrap/platform.module';
import { CUSTOMER_TOKEN_SECURITY, SERVICE_TOKEN_SECURITY } from '../openapi/open-api-document';
import {
  CredentialsRequiredError,
  CustomerMismatchError,
  customerTokenKeys,
  CustomerTokenVerifier,
} from './customer-token';
import { bearerTokenOf } from './bearer-token';
import { SERVICE_TOKEN_VERIFIER, ServiceAuthGuard } from './service-auth.guard';
import type { ServiceTokenVerifier } from './service-token';

/** DI token of the {@link CustomerTokenVerifier} that {@link CustomerAuthGuard} uses. */
export const CUSTOMER_TOKEN_VERIFIER = Symbol('CUSTOMER_TOKEN_VERIFIER');

/** The config keys a service that authenticates customers declares (`serviceKeys.customerTokens()`). */
export interface CustomerTokenConfig {
  readonly CUSTOMER_TOKEN_PUBLIC_KEYS: string;
  readonly CUSTOMER_TOKEN_ISSUER: string;
  readonly CUSTOMER_TOKEN_AUDIENCE: string;
}

/** Provides the {@link CustomerTokenVerifier} of a service from its customer-token config keys. */
export function customerTokenVerifierProvider(): Provider {
  return {
    provide: CUSTOMER_TOKEN_VERIFIER,
    inject: [SERVICE_CONFIG],
    useFactory: (config: CustomerTokenConfig) =>
      new CustomerTokenVerifier({
        keys: customerTokenKeys(config.CUSTOMER_TOKEN_PUBLIC_KEYS),
        issuer: config.CUSTOMER_TOKEN_ISSUER,
        audience: config.CUSTOMER_TOKEN_AUDIENCE,
      }),
  };
}

const CUSTOMER = Symbol('customerPrincipal');
type WithCustomer = FastifyRequest & { [CUSTOMER]?: string };

/**
 * Admits only signed-in customers: `Authorization: Bearer <customer token>` that verifies
 * against the identity provider's keys, else 401 problem+json; a JSON body naming another
 * `customerId` gets 403. Guards run before the inbound
 * interceptors, so the rate-limit bucket and the idempotency scope are the customer the token
 * names, never something the client chose, and a refused request costs no rate-limit,
 * idempotency or database work.
 */
@Injectable()
export class CustomerAuthGuard implements CanActivate {
  constructor(@Inject(CUSTOMER_TOKEN_VERIFIER) private readonly verifier: CustomerTokenVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WithCustomer>();
    const token = bearerTokenOf(request);
    if (token === undefined) throw new CredentialsRequiredError();
    request[CUSTOMER] = admitted(request, await this.verifier.verify(token));
    return true;
  }
}

/**
 * `customerId`, unless the request's JSON body names another customer (403): the signed-in
 * customer is who acts, and a body that says otherwise is refused before any work, never obeyed.
 */
function admitted(request: FastifyRequest, customerId: string): string {
  const body = request.body as { customerId?: unknown } | null | undefined;
  const named = typeof body === 'object' && body !== null ? body.customerId : undefined;
  // Only a string can name a customer; any other value is the body validation's to refuse (400).
  if (typeof named === 'string' && named !== customerId) throw new CustomerMismatchError();
  return customerId;
}

/** The customer a {@link CustomerAuthGuard} admitted this request for, if any. */
export function customerOf(request: FastifyRequest): string | undefined {
  return (request as WithCustomer)[CUSTOMER];
}

/**
 * A controller or route for signed-in customers: {@link CustomerAuthGuard}, and the customer
 * token security scheme in the OpenAPI document. List `CUSTOMER_AUTH_PROBLEMS` in its
 * `@ApiProblems`; read the customer with {@link customerOf}.
 */
export function CustomerOnly(): ClassDecorator & MethodDecorator {
  return applyDecorators(UseGuards(CustomerAuthGuard), ApiBearerAuth(CUSTOMER_TOKEN_SECURITY));
}

/**
 * Admits a signed-in customer (as {@link CustomerAuthGuard}) or a platform service with a
 * service token for this service (as {@link ServiceAuthGuard}; the module provides
 * `serviceTokenVerifierProvider`). The token's issuer tells which: the identity provider's
 * `iss` is a customer token, anything else a service token. The handler tells them apart with
 * {@link customerOf} (undefined for a service).
 */
@Injectable()
export class CustomerOrServiceGuard implements CanActivate {
  private readonly services: ServiceAuthGuard;

  constructor(
    @Inject(CUSTOMER_TOKEN_VERIFIER) private readonly customers: CustomerTokenVerifier,
    @Inject(SERVICE_CONFIG)
    private readonly config: Pick<CustomerTokenConfig, 'CUSTOMER_TOKEN_ISSUER'>,
    @Optional() @Inject(SERVICE_TOKEN_VERIFIER) serviceVerifier?: ServiceTokenVerifier,
  ) {
    if (!serviceVerifier)
      throw new Error('CustomerOrServiceGuard needs serviceTokenVerifierProvider');
    this.services = new ServiceAuthGuard(serviceVerifier);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WithCustomer>();
    const token = bearerTokenOf(request);
    if (token === undefined) throw new CredentialsRequiredError();
    // Another issuer is a platform service; no readable issuer at all is a bad customer token.
    const issuer = issuerOf(token);
    if (typeof issuer === 'string' && issuer !== this.config.CUSTOMER_TOKEN_ISSUER) {
      return this.services.canActivate(context);
    }
    request[CUSTOMER] = admitted(request, await this.customers.verify(token));
    return true;
  }
}

function issuerOf(token: string): unknown {
  try {
    return decodeJwt(token).iss;
  } catch {
    return undefined;
  }
}

/**
 * A route for signed-in customers and for platform services (e.g. an order read by its
 * customer, and by inventory's expiry worker): {@link CustomerOrServiceGuard} and both security
 * schemes. List `CUSTOMER_AUTH_PROBLEMS` and `SERVICE_AUTH_PROBLEMS` in its `@ApiProblems`.
 */
export function CustomerOrService(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseGuards(CustomerOrServiceGuard),
    ApiBearerAuth(CUSTOMER_TOKEN_SECURITY),
    ApiBearerAuth(SERVICE_TOKEN_SECURITY),
  );
}
