#!/usr/bin/env node
// Prints a service token for calling inventory's or payment's internal routes by hand, signed as
// checkout: `curl -H "authorization: Bearer $(node scripts/service-token.mjs payment)" …`.
// The key is SERVICE_TOKEN_KEY from the environment, else the one `npm start` wrote for its run
// to the git-ignored .dev/service-token.env. Needs the build (libs/platform/dist).
// Usage: node scripts/service-token.mjs <inventory|payment>
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const audience = process.argv[2];
if (audience !== 'inventory' && audience !== 'payment') {
  console.error('usage: node scripts/service-token.mjs <inventory|payment>');
  process.exit(2);
}
const file = join(root, '.dev', 'service-token.env');
const fromFile = existsSync(file)
  ? /^SERVICE_TOKEN_KEY=(.+)$/m.exec(readFileSync(file, 'utf8'))?.[1]
  : undefined;
const key = process.env.SERVICE_TOKEN_KEY ?? fromFile;
if (!key) {
  console.error(
    "service-token: no key — set SERVICE_TOKEN_KEY (checkout's) or run `npm start`, which writes .dev/service-token.env",
  );
  process.exit(1);
}
const { ServiceTokenSigner, servicePrivateKey } = createRequire(import.meta.url)(
  join(root, 'libs/platform/dist/index.js'),
);
const signer = new ServiceTokenSigner({ issuer: 'checkout', key: servicePrivateKey(key) });
process.stdout.write(`${await signer.tokenFor(audience)}\n`);
