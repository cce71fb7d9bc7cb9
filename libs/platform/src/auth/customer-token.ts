import { createHash, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../errors';
import { servicePrivateKey, servicePublicKey, verificationFailure } from './service-token';
import { VerifiedTokens } from './verified-tokens';

// Customer authentication with bearer tokens an identity provider signs: an EdDSA JWT whose
// `sub` is the customer id, `iss` the provider, `aud` the platform, with an expiry. The services
// hold only the provider's public keys (`CUSTOMER_TOKEN_PUBLIC_KEYS`, more than one during a key
// rotation, told apart by the token's `kid`), so they can verify a customer but never mint one.
// `npm start` plays the provider for development (.dev/credentials.json); in a deployment it is
// whatever issues the platform's customer logins.

/** `iss` of customer tokens unless configured otherwise. */
export const DEFAULT_CUSTOMER_TOKEN_ISSUER = 'rc-identity';
/** `aud` of customer tokens unless configured otherwise. */
export const DEFAULT_CUSTOMER_TOKEN_AUDIENCE = 'rc-platform';
/** A customer id: what a token's `sub` must look like (no `:`, so scopes stay unambiguous). */
export const CUSTOMER_ID_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;
const CLOCK_TOLERANCE_SECONDS = 5;
const ALGORITHM = 'EdDSA';

/** The key id of a public key (base64 SPKI DER): 16 base64url characters of its SHA-256. */
export function customerKeyId(publicKeyBase64: string): string {
  return createHash('sha256')
    .update(Buffer.from(publicKeyBase64, 'base64'))
    .digest('base64url')
    .slice(0, 16);
}

/** Parses `CUSTOMER_TOKEN_PUBLIC_KEYS` (comma-separated base64 SPKI) into key id → key. */
export function customerTokenKeys(list: string): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const entry of list.split(',').map((part) => part.trim())) {
    if (!entry) continue;
    try {
      keys.set(customerKeyId(entry), servicePublicKey(entry));
    } catch (error) {
      throw new Error(`key ${keys.size + 1} ${(error as Error).message}`);
    }
  }
  if (keys.size === 0) throw new Error('names no public key');
  return keys;
}

/** Issuer and audience every accepted customer token carries. */
export interface CustomerTokenClaims {
  readonly issuer: string;
  readonly audience: string;
}

/**
 * Signs customer tokens: the identity provider's side, used by `npm start` (development
 * credentials), the test platforms and the load generators. Never part of a running service.
 */
export class CustomerTokenIssuer {
  private readonly keyId: string;

  constructor(
    private readonly options: CustomerTokenClaims & {
      /** The provider's Ed25519 private key. */
      readonly key: KeyObject;
      /** Its public key, base64 SPKI DER (names the key: `kid`). */
      readonly publicKey: string;
    },
  ) {
    this.keyId = customerKeyId(options.publicKey);
  }

  /**
   * The issuer of a generated key pair (base64 DER, as `.dev/identity.json` and the test
   * platforms keep it), with the default issuer and audience unless `claims` says otherwise.
   */
  static fromKeyPair(
    keys: { readonly privateKey: string; readonly publicKey: string },
    claims: Partial<CustomerTokenClaims> = {},
  ): CustomerTokenIssuer {
    return new CustomerTokenIssuer({
      issuer: claims.issuer ?? DEFAULT_CUSTOMER_TOKEN_ISSUER,
      audience: claims.audience ?? DEFAULT_CUSTOMER_TOKEN_AUDIENCE,
      key: servicePrivateKey(keys.privateKey),
      publicKey: keys.publicKey,
    });
  }

  /**
   * `size` customers `<prefix>-0` … `<prefix>-<size-1>`, each with its `Authorization` value:
   * what a load generator cycles through, as real shoppers reuse their sign-in over many
   * requests (a fresh token per request would measure signature checks, not checkouts).
   */
  async pool(
    prefix: string,
    size: number,
    ttlSeconds = 86_400,
  ): Promise<{ readonly customerId: string; readonly authorization: string }[]> {
    const customers = [];
    for (let i = 0; i < size; i++) {
      const customerId = `${prefix}-${i}`;
      customers.push({
        customerId,
        authorization: `Bearer ${await this.issue(customerId, ttlSeconds)}`,
      });
    }
    return customers;
  }

  /** `{ authorization: 'Bearer <token>' }` for `customerId` (a client's request headers). */
  async headersFor(customerId: string, ttlSeconds?: number): Promise<{ authorization: string }> {
    return { authorization: `Bearer ${await this.issue(customerId, ttlSeconds)}` };
  }

  /** A token naming `customerId`, valid for `ttlSeconds` (a day by default). */
  async issue(customerId: string, ttlSeconds = 86_400, now = Date.now()): Promise<string> {
    if (!CUSTOMER_ID_PATTERN.test(customerId)) {
      throw new Error('a customer id is 1-64 letters, digits or . _ @ -');
    }
    const issuedAt = Math.floor(now / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT', kid: this.keyId })
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setSubject(customerId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .sign(this.options.key);
  }
}

/** Why a customer token was refused (in the problem's `meta.reason`; never the token). */
export type CustomerTokenRejection =
  | 'malformed'
  | 'unknown_key'
  | 'bad_signature'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'expired'
  | 'invalid_claims';

/** 401: a customer route called without `Authorization: Bearer <token>`. */
export class CredentialsRequiredError extends AppError {
  readonly code = 'AUTH.CREDENTIALS_REQUIRED';
  readonly httpStatus = 401;
  constructor() {
    super('Sign in: send Authorization: Bearer <customer token>.');
  }
}

/** 401: the customer token was refused (bad signature, expired, unknown key …). */
export class CustomerTokenInvalidError extends AppError {
  readonly code = 'AUTH.TOKEN_INVALID';
  readonly httpStatus = 401;
  constructor(readonly reason: CustomerTokenRejection) {
    super('The customer token was refused.', { meta: { reason } });
  }
}

/** 403: the body names a customer other than the signed-in one. */
export class CustomerMismatchError extends AppError {
  readonly code = 'AUTH.CUSTOMER_MISMATCH';
  readonly httpStatus = 403;
  constructor() {
    super(
      'The body names another customer than the one signed in: leave customerId out or send your own.',
    );
  }
}

/**
 * Verifies customer tokens and answers the customer id. A verified token is remembered until
 * it expires (bounded), so a customer's requests cost one signature check per token, not one
 * per request; a refused token is never remembered.
 */
export class CustomerTokenVerifier {
  private readonly verified: VerifiedTokens<string>;
  private readonly now: () => number;

  constructor(
    private readonly options: CustomerTokenClaims & {
      /** Key id → the provider's public key (two during a rotation). */
      readonly keys: ReadonlyMap<string, KeyObject>;
      readonly now?: () => number;
      /** Verified tokens remembered at most (default 10 000). */
      readonly maxRemembered?: number;
    },
  ) {
    this.now = options.now ?? Date.now;
    this.verified = new VerifiedTokens(options.maxRemembered ?? 10_000);
  }

  /** The customer id `token` names, or throws {@link CustomerTokenInvalidError}. */
  async verify(token: string): Promise<string> {
    const now = this.now();
    const known = this.verified.get(token, now);
    if (known !== undefined) return known;
    const key = this.options.keys.get(this.keyIdOf(token));
    if (!key) throw new CustomerTokenInvalidError('unknown_key');
    let customerId: string;
    let expiresAt: number;
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [ALGORITHM],
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(now),
      });
      customerId = payload.sub as string;
      expiresAt = (payload.exp as number) * 1000;
    } catch (error) {
      throw new CustomerTokenInvalidError(rejectionOf(error));
    }
    if (!CUSTOMER_ID_PATTERN.test(customerId)) {
      throw new CustomerTokenInvalidError('invalid_claims');
    }
    this.verified.remember(token, customerId, expiresAt);
    return customerId;
  }

  private keyIdOf(token: string): string {
    try {
      const { kid } = decodeProtectedHeader(token);
      if (typeof kid === 'string') return kid;
    } catch {
      // falls through: not a JWS
    }
    throw new CustomerTokenInvalidError('malformed');
  }
}

function rejectionOf(error: unknown): CustomerTokenRejection {
  const failure = verificationFailure(error);
  if (typeof failure === 'string') return failure;
  if (failure.claim === 'aud') return 'wrong_audience';
  if (failure.claim === 'iss') return 'wrong_issuer';
  return 'invalid_claims';
}
