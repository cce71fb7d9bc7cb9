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
