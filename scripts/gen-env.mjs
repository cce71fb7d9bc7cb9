#!/usr/bin/env node
// Writes the git-ignored `.env` that docker-compose.yml reads its secrets from: .env.example with
// every empty `KEY=` given a fresh random value (32 random bytes, base64url: safe inside a
// postgres:// URL as is). An existing `.env` keeps its values (they may be in use by running
// containers and stored volumes, e.g. the database roles' passwords); keys of .env.example it
// lacks are appended with fresh values (a checkout that added secrets since). --force writes
// every secret anew. The values are never printed. A `<NAME>_SERVICE_TOKEN_KEY` is an Ed25519
// private key (base64 PKCS#8 DER) instead, and `<NAME>_SERVICE_TOKEN_PUBLIC_KEY` its public key
// (base64 SPKI DER), derived from the private key in .env or generated with it.
// Two values come from the development credentials `npm start` uses too (scripts/lib/
// dev-credentials.mjs: made on first use in the git-ignored .dev/, kept after): RC_IDENTITY_PUBLIC_KEY
// is the development identity provider's public key, so the customer tokens of
// .dev/credentials.json are accepted by the containers, RC_CONSOLE_CUSTOMER_TOKENS are those
// tokens (the console's customers), and RC_ADMIN_TOKEN is its adminToken.
// Making them needs the build (libs/platform/dist: the token issuer).
// Usage: node scripts/gen-env.mjs [--force]
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ed25519KeyPair, ensureDevCredentials } from './lib/dev-credentials.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, '.env');
const force = process.argv.includes('--force');
const PRIVATE_KEY = /^(.+)_SERVICE_TOKEN_KEY$/;
const PUBLIC_KEY = /^(.+)_SERVICE_TOKEN_PUBLIC_KEY$/;
/** Values already chosen in this run or read from .env, by key. */
const chosen = new Map();
const der = (key, type) => key.export({ format: 'der', type }).toString('base64');
/** Keys whose value is the development credentials' (see above), by what they take from them. */
const FROM_DEV_CREDENTIALS = {
  RC_IDENTITY_PUBLIC_KEY: (dev) => dev.identity.publicKey,
  RC_ADMIN_TOKEN: (dev) => dev.credentials.adminToken,
  RC_CONSOLE_CUSTOMER_TOKENS: (dev) => dev.credentials.customers.map((c) => c.token).join(','),
};
let devCredentials;
/** The development credentials of this checkout (made on first use); exits when unbuilt. */
async function devCredentialsOf() {
  if (devCredentials) return devCredentials;
  if (!existsSync(join(root, 'libs', 'platform', 'dist', 'index.js'))) {
    console.error(
      `gen-env: ${relative(process.cwd(), join(root, 'libs', 'platform', 'dist')) || '.'} is missing — run npm run build first (the development identity provider's tokens are signed by libs/platform)`,
    );
    process.exit(1);
  }
  devCredentials = await ensureDevCredentials(root);
  return devCredentials;
}
/** A fresh value for `key`: random bytes, or a key pair's half for service-token keys. */
async function secret(key) {
  if (Object.hasOwn(FROM_DEV_CREDENTIALS, key))
    return FROM_DEV_CREDENTIALS[key](await devCredentialsOf());
  const pub = PUBLIC_KEY.exec(key);
  if (pub) {
    const privateName = `${pub[1]}_SERVICE_TOKEN_KEY`;
    if (!chosen.has(privateName)) chosen.set(privateName, await secret(privateName));
    const privateKey = createPrivateKey({
      key: Buffer.from(chosen.get(privateName), 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    return der(createPublicKey(privateKey), 'spki');
  }
  if (PRIVATE_KEY.test(key)) {
    if (!chosen.has(key)) chosen.set(key, ed25519KeyPair().privateKey);
    return chosen.get(key);
  }
  return randomBytes(32).toString('base64url');
}
/** The key of a `KEY=` line of .env.example left empty for a generated value, else undefined. */
const emptyKey = (line) => /^([A-Z][A-Z0-9_]*)=\s*$/.exec(line)?.[1];
const example = readFileSync(join(root, '.env.example'), 'utf8').split('\n');

if (existsSync(target) && !force) {
  const present = new Set();
  for (const line of readFileSync(target, 'utf8').split('\n')) {
    const [, key, value] = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line) ?? [];
    if (!key) continue;
    present.add(key);
    chosen.set(key, value.trim());
  }
  const missing = example.map(emptyKey).filter((key) => key && !present.has(key));
  if (missing.length === 0) {
    console.error('gen-env: .env exists, left as it is (--force writes new secrets)');
    process.exit(1);
  }
  const added = [];
  for (const key of missing) added.push(`${key}=${await secret(key)}`);
  appendFileSync(target, `\n${added.join('\n')}\n`);
  console.log(`gen-env: .env kept, added random ${missing.join(', ')}`);
  process.exit(0);
}
const generated = [];
const lines = [];
for (const line of example) {
  const key = emptyKey(line);
  if (key) generated.push(key);
  lines.push(key ? `${key}=${await secret(key)}` : line);
}
// Owner-only: the file holds secrets.
writeFileSync(target, lines.join('\n'), { mode: 0o600 });
const fromDev = generated.filter((key) => Object.hasOwn(FROM_DEV_CREDENTIALS, key));
console.log(
  `gen-env: wrote .env with random ${generated.filter((key) => !fromDev.includes(key)).join(', ')}; ${fromDev.join(', ')} from the development credentials (customer tokens: ${relative(process.cwd(), devCredentials.file)})`,
);
