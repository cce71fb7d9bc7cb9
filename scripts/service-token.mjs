#!/usr/bin/env node
// Prints a service token for calling an internal route by hand: signed as checkout for
// inventory's or payment's routes, as inventory for checkout's order reads:
// `curl -H "authorization: Bearer $(node scripts/service-token.mjs payment)" …`.
// The signer's private key comes from the environment — <SIGNER>_SERVICE_TOKEN_KEY
// (CHECKOUT_… or INVENTORY_…), else SERVICE_TOKEN_KEY (the signer's) — or else from the
// git-ignored .dev/service-token.env that `npm start` writes for its run: its
// `<SIGNER>_SERVICE_TOKEN_KEY=` line (an older file's `SERVICE_TOKEN_KEY=` line is checkout's).
// Needs the build (libs/platform/dist).
// Usage: node scripts/service-token.mjs <inventory|payment|checkout>
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Who signs the tokens for each audience: the one service its internal routes admit. */
const SIGNER_OF = { inventory: 'checkout', payment: 'checkout', checkout: 'inventory' };
const audience = process.argv[2];
if (!Object.hasOwn(SIGNER_OF, audience ?? '')) {
  console.error('usage: node scripts/service-token.mjs <inventory|payment|checkout>');
  process.exit(2);
}
const signer = SIGNER_OF[audience];
const named = `${signer.toUpperCase()}_SERVICE_TOKEN_KEY`;
const file = join(root, '.dev', 'service-token.env');
const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
const line = (name) => new RegExp(`^${name}=(.+)$`, 'm').exec(text)?.[1]?.trim();
const key =
  process.env[named] ??
  process.env.SERVICE_TOKEN_KEY ??
  line(named) ??
  (signer === 'checkout' ? line('SERVICE_TOKEN_KEY') : undefined);
if (!key) {
  console.error(
    `service-token: no key — set ${named} (or SERVICE_TOKEN_KEY, ${signer}'s) or run \`npm start\`, which writes .dev/service-token.env`,
  );
  process.exit(1);
}
const { ServiceTokenSigner, servicePrivateKey } = createRequire(import.meta.url)(
  join(root, 'libs/platform/dist/index.js'),
);
const tokens = new ServiceTokenSigner({ issuer: signer, key: servicePrivateKey(key) });
process.stdout.write(`${await tokens.tokenFor(audience)}\n`);
