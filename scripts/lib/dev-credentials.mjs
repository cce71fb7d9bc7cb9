// Development credentials: the platform trusts an identity provider's public key
// (CUSTOMER_TOKEN_PUBLIC_KEYS) and customers send `Authorization: Bearer <token>` it signed. For
// a local platform, this module plays the provider: on first use it makes a random Ed25519 key
// pair, a few random customers with their tokens and a random admin token, and keeps them in the
// git-ignored .dev/ folder (owner-only files), so every later run and the README's curl tour use
// the same ones. Tokens last 30 days and are re-issued (same customers) when fewer than 7 remain.
// Nothing here is a fixed string: a fresh clone gets its own credentials.
//
//   .dev/identity.json      {"privateKey","publicKey"} — the provider's key (base64 DER); a secret
//   .dev/credentials.json   {"customers":[{"customerId","token"}…],"adminToken","expiresAt"}
//
// Needs the build (libs/platform/dist: the token issuer).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Customers a fresh credentials file names. */
export const DEV_CUSTOMERS = 3;
const TOKEN_DAYS = 30;
const RENEW_BELOW_DAYS = 7;
const DAY_MS = 86_400_000;

/** A fresh Ed25519 key pair as the services' config takes it (base64 PKCS#8 / SPKI DER). */
export function ed25519KeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function writeSecret(file, value) {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

/**
 * The development identity of the checkout at `root`: `{ identity, credentials, created }`,
 * made on first use and kept in `root/.dev/`. `identity.publicKey` is what the services trust.
 */
export async function ensureDevCredentials(root, now = Date.now()) {
  const dir = join(root, '.dev');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const identityFile = join(dir, 'identity.json');
  const credentialsFile = join(dir, 'credentials.json');
  let identity = readJson(identityFile);
  let created = false;
  if (typeof identity?.privateKey !== 'string' || typeof identity?.publicKey !== 'string') {
    identity = ed25519KeyPair();
    writeSecret(identityFile, identity);
    created = true;
  }
  const {
    CustomerTokenIssuer,
    servicePrivateKey,
    DEFAULT_CUSTOMER_TOKEN_ISSUER,
    DEFAULT_CUSTOMER_TOKEN_AUDIENCE,
  } = createRequire(import.meta.url)(join(root, 'libs/platform/dist/index.js'));
  const issuer = new CustomerTokenIssuer({
    issuer: DEFAULT_CUSTOMER_TOKEN_ISSUER,
    audience: DEFAULT_CUSTOMER_TOKEN_AUDIENCE,
    key: servicePrivateKey(identity.privateKey),
    publicKey: identity.publicKey,
  });
  const previous = created ? undefined : readJson(credentialsFile);
  const fresh =
    Array.isArray(previous?.customers) &&
    previous.customers.length >= DEV_CUSTOMERS &&
    typeof previous.adminToken === 'string' &&
    Date.parse(previous.expiresAt ?? '') - now > RENEW_BELOW_DAYS * DAY_MS;
  if (fresh) return { identity, credentials: previous, created: false, file: credentialsFile };
  const customerIds =
    previous?.customers?.map((c) => c.customerId).filter((id) => typeof id === 'string') ?? [];
  while (customerIds.length < DEV_CUSTOMERS) {
    customerIds.push(`customer-${randomBytes(4).toString('hex')}`);
  }
  const ttlSeconds = TOKEN_DAYS * 86_400;
  const customers = [];
  for (const customerId of customerIds) {
    customers.push({ customerId, token: await issuer.issue(customerId, ttlSeconds, now) });
  }
  const credentials = {
    customers,
    adminToken:
      typeof previous?.adminToken === 'string'
        ? previous.adminToken
        : randomBytes(24).toString('base64url'),
    expiresAt: new Date(now + ttlSeconds * 1000).toISOString(),
  };
  writeSecret(credentialsFile, credentials);
  return { identity, credentials, created: true, file: credentialsFile };
}
