export {
  generateServiceKeyPair,
  SERVICE_TOKEN_TTL_SECONDS,
  type ServiceKeyPair,
  servicePrivateKey,
  servicePublicKey,
  ServiceTokenInvalidError,
  type ServiceTokenRejection,
  ServiceTokenRequiredError,
  ServiceTokenSigner,
  ServiceTokenVerifier,
  trustedServiceKeys,
  withServiceToken,
} from './service-token';
export {
  SERVICE_TOKEN_VERIFIER,
  ServiceAuthGuard,
  ServiceOnly,
  servicePrincipalOf,
  serviceTokenVerifierProvider,
} from './service-auth.guard';
export { bearerTokenOf } from './bearer-token';
export {
  CredentialsRequiredError,
  CUSTOMER_ID_PATTERN,
  CustomerMismatchError,
  customerKeyId,
  CustomerTokenInvalidError,
  CustomerTokenIssuer,
  customerTokenKeys,
  type CustomerTokenClaims,
  type CustomerTokenRejection,
  CustomerTokenVerifier,
  DEFAULT_CUSTOMER_TOKEN_AUDIENCE,
  DEFAULT_CUSTOMER_TOKEN_ISSUER,
} from './customer-token';
export {
  CUSTOMER_TOKEN_VERIFIER,
  CustomerAuthGuard,
  CustomerOrService,
  CustomerOrServiceGuard,
  type CustomerTokenConfig,
  customerOf,
  CustomerOnly,
  customerTokenVerifierProvider,
} from './customer-auth.guard';
