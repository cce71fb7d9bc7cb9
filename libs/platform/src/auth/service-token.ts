import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { decodeJwt, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../errors';
import { VerifiedTokens } from './verified-tokens';

// Service-to-service authentication with signed service tokens: each calling service holds an
// Ed25519 private key and signs short-lived JWTs (EdDSA) naming itself (`iss`) and the service
// it calls (`aud`); each called service holds the public keys of the callers it trusts. A
// called service can verify but never mint a token, and a token for one audience is refused by
// every other. Keys travel as base64 of their DER encoding (PKCS#8 / SPKI), one line each.

/** Lifetime of a service token, in seconds. */
export const SERVICE_TOKEN_TTL_SECONDS = 60;
/** Clock skew tolerated between caller and callee, in seconds. */
const CLOCK_TOLERANCE_SECONDS = 5;
const ALGORITHM = 'EdDSA';

/** A service's signing key and the public key its callees trust, both base64 DER. */
export interface ServiceKeyPair {
  /** PKCS#8, for the caller's `SERVICE_TOKEN_KEY`. A secret. */
  readonly privateKey: string;
  /** SPKI, for the callees' `SERVICE_TOKEN_TRUSTED_KEYS` (`<service>=<publicKey>`). */
  readonly publicKey: string;
}

/** A fresh Ed25519 key pair for one calling service (development, tests, `scripts/gen-env.mjs`). */
export function generateServiceKeyPair(): ServiceKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

/** The Ed25519 private key in `base64` (PKCS#8 DER); throws a message fit for a config error. */
export function servicePrivateKey(base64: string): KeyObject {
  const key = parseKey(() =>
    createPrivateKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'pkcs8' }),
  );
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('is not an Ed25519 private key');
  return key;
}

/** The Ed25519 public key in `base64` (SPKI DER); throws a message fit for a config error. */
export function servicePublicKey(base64: string): KeyObject {
  const key = parseKey(() =>
    createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' }),
  );
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('is not an Ed25519 public key');
  return key;
}

function parseKey(parse: () => KeyObject): KeyObject {
  try {
    return parse();
  } catch {
    throw new Error('is not a base64 DER key');
  }
}

/** Parses `checkout=<base64>,cart=<base64>` into trusted caller → public key. */
export function trustedServiceKeys(list: string): Map<string, KeyObject> {
  const trusted = new Map<string, KeyObject>();
  for (const entry of list.split(',').map((part) => part.trim())) {
    if (!entry) continue;
    const at = entry.indexOf('=');
    const service = entry.slice(0, at).trim();
    if (at <= 0 || !/^[a-z][a-z0-9-]*$/.test(service)) {
      throw new Error(`entry "${entry.slice(0, 24)}…" is not <service>=<base64 public key>`);
    }
    try {
      trusted.set(service, servicePublicKey(entry.slice(at + 1).trim()));
    } catch (error) {
      throw new Error(`the key of ${service} ${(error as Error).message}`);
    }
  }
  if (trusted.size === 0) throw new Error('names no trusted service');
  return trusted;
}

/**
 * Signs the calling service's tokens. A token is reused for two thirds of its lifetime, so a
 * busy caller signs about one token per audience every 40 s, not one per request.
 */
export class ServiceTokenSigner {
  private readonly cache = new Map<string, { token: string; renewAt: number }>();
  private readonly issuer: string;
  private readonly key: KeyObject;
  private readonly ttlSeconds: number;
  private readonly now: () => number;

  constructor(options: {
    /** The calling service's name: the token's `iss` and `sub`. */
    readonly issuer: string;
    readonly key: KeyObject;
    readonly ttlSeconds?: number;
    readonly now?: () => number;
  }) {
    this.issuer = options.issuer;
    this.key = options.key;
    this.ttlSeconds = options.ttlSeconds ?? SERVICE_TOKEN_TTL_SECONDS;
    this.now = options.now ?? Date.now;
  }

  /** A token for calling `audience` (the called service's name). */
  async tokenFor(audience: string): Promise<string> {
    const now = this.now();
    const cached = this.cache.get(audience);
    if (cached && now < cached.renewAt) return cached.token;
    const issuedAt = Math.floor(now / 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setSubject(this.issuer)
      .setAudience(audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.ttlSeconds)
      .sign(this.key);
    this.cache.set(audience, { token, renewAt: now + (this.ttlSeconds * 1000 * 2) / 3 });
    return token;
  }

  /** The `Authorization` header value for calling `audience`. */
  async authorizationFor(audience: string): Promise<string> {
    return `Bearer ${await this.tokenFor(audience)}`;
  }
}

/** Why a service token was refused (in the problem's `meta.reason`; never the token itself). */
export type ServiceTokenRejection =
  | 'malformed'
  | 'untrusted_issuer'
  | 'bad_signature'
  | 'wrong_audience'
  | 'expired'
  | 'invalid_claims';

/** 401: a route for platform services only, called without `Authorization: Bearer <token>`. */
export class ServiceTokenRequiredError extends AppError {
  readonly code = 'AUTH.SERVICE_TOKEN_REQUIRED';
  readonly httpStatus = 401;
  constructor() {
    super('This route is for platform services: send Authorization: Bearer <service token>.');
  }
}

/** 401: the service token was refused (bad signature, expired, another audience …). */
export class ServiceTokenInvalidError extends AppError {
  readonly code = 'AUTH.SERVICE_TOKEN_INVALID';
  readonly httpStatus = 401;
  constructor(readonly reason: ServiceTokenRejection) {
    super('The service token was refused.', { meta: { reason } });
  }
}

/**
 * Verifies service tokens addressed to one service. A verified token is remembered until it
 * expires (a caller reuses its token for ~40 s), so verification costs one signature check per
 * caller and token, not per request.
 */
export class ServiceTokenVerifier {
  private readonly verified: VerifiedTokens<string>;
  private readonly now: () => number;

  constructor(
    private readonly options: {
      /** This service's name: the `aud` every accepted token must carry. */
      readonly audience: string;
      /** Caller name → public key. */
      readonly trusted: ReadonlyMap<string, KeyObject>;
      readonly now?: () => number;
      /** Verified tokens remembered at most (default 1 000). */
      readonly maxRemembered?: number;
    },
  ) {
    this.now = options.now ?? Date.now;
    this.verified = new VerifiedTokens(options.maxRemembered ?? 1_000);
  }

  /** The calling service's name, or throws {@link ServiceTokenInvalidError}. */
  async verify(token: string): Promise<string> {
    const now = this.now();
    const known = this.verified.get(token, now);
    if (known !== undefined) return known;
    const service = this.issuerOf(token);
    const key = this.options.trusted.get(service);
    if (!key) throw new ServiceTokenInvalidError('untrusted_issuer');
    let expiresAt: number;
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [ALGORITHM],
        audience: this.options.audience,
        issuer: service,
        subject: service,
        requiredClaims: ['exp', 'iat'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(now),
      });
      expiresAt = (payload.exp as number) * 1000;
    } catch (error) {
      throw new ServiceTokenInvalidError(rejectionOf(error));
    }
    this.verified.remember(token, service, expiresAt);
    return service;
  }

  private issuerOf(token: string): string {
    try {
      const { iss } = decodeJwt(token);
      if (typeof iss === 'string') return iss;
    } catch {
      // falls through: not a JWT
    }
    throw new ServiceTokenInvalidError('malformed');
  }
}

/**
 * What a failed `jwtVerify` says: the token expired, its signature is wrong, a claim failed
 * (`{ claim }`), or anything else (malformed). Shared by the service- and customer-token checks.
 */
export function verificationFailure(
  error: unknown,
): 'expired' | 'bad_signature' | 'malformed' | { readonly claim: string } {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return { claim: error.claim };
  return 'malformed';
}

function rejectionOf(error: unknown): ServiceTokenRejection {
  const failure = verificationFailure(error);
  if (typeof failure === 'string') return failure;
  return failure.claim === 'aud' ? 'wrong_audience' : 'invalid_claims';
}

/**
 * `transport` with `Authorization: Bearer <service token for audience>` on every request: the
 * caller side of service-to-service authentication, wrapped around one dependency's fetch.
 */
export function withServiceToken(
  signer: ServiceTokenSigner,
  audience: string,
  transport: typeof fetch,
): typeof fetch {
  return async (input, init) => {
    const authorization = await signer.authorizationFor(audience);
    const given = init?.headers;
    let headers: NonNullable<RequestInit['headers']>;
    if (given instanceof Headers) {
      headers = new Headers(given);
      headers.set('authorization', authorization);
    } else if (Array.isArray(given)) {
      headers = [
        ...given.filter(([name]) => name?.toLowerCase() !== 'authorization'),
        ['authorization', authorization],
      ];
    } else {
      headers = { ...given, authorization };
    }
    return transport(input, { ...init, headers });
  };
}
