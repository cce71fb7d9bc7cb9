#!/usr/bin/env node
// Writes the git-ignored `.env` that docker-compose.yml reads its secrets from: .env.example with
// every empty `KEY=` given a fresh random value (32 random bytes, base64url). An existing `.env`
// is kept (its secrets may be in use by running containers) unless --force is given. The values
// are never printed.
// Usage: node scripts/gen-env.mjs [--force]
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, '.env');
const force = process.argv.includes('--force');

if (existsSync(target) && !force) {
  console.error('gen-env: .env exists, left as it is (--force writes new secrets)');
  process.exit(1);
}
const generated = [];
const lines = readFileSync(join(root, '.env.example'), 'utf8')
  .split('\n')
  .map((line) => {
    const empty = /^([A-Z][A-Z0-9_]*)=\s*$/.exec(line);
    if (!empty) return line;
    generated.push(empty[1]);
    return `${empty[1]}=${randomBytes(32).toString('base64url')}`;
  });
// Owner-only: the file holds secrets.
writeFileSync(target, lines.join('\n'), { mode: 0o600 });
console.log(`gen-env: wrote .env with random ${generated.join(', ')}`);
