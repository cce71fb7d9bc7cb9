#!/usr/bin/env node
// Writes the git-ignored `.env` that docker-compose.yml reads its secrets from: .env.example with
// every empty `KEY=` given a fresh random value (32 random bytes, base64url: safe inside a
// postgres:// URL as is). An existing `.env` keeps its values (they may be in use by running
// containers and stored volumes, e.g. the database roles' passwords); keys of .env.example it
// lacks are appended with fresh values (a checkout that added secrets since). --force writes
// every secret anew. The values are never printed.
// Usage: node scripts/gen-env.mjs [--force]
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, '.env');
const force = process.argv.includes('--force');
const secret = () => randomBytes(32).toString('base64url');
/** The key of a `KEY=` line of .env.example left empty for a generated value, else undefined. */
const emptyKey = (line) => /^([A-Z][A-Z0-9_]*)=\s*$/.exec(line)?.[1];
const example = readFileSync(join(root, '.env.example'), 'utf8').split('\n');

if (existsSync(target) && !force) {
  const present = new Set(
    readFileSync(target, 'utf8')
      .split('\n')
      .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
      .filter(Boolean),
  );
  const missing = example.map(emptyKey).filter((key) => key && !present.has(key));
  if (missing.length === 0) {
    console.error('gen-env: .env exists, left as it is (--force writes new secrets)');
    process.exit(1);
  }
  appendFileSync(target, `\n${missing.map((key) => `${key}=${secret()}`).join('\n')}\n`);
  console.log(`gen-env: .env kept, added random ${missing.join(', ')}`);
  process.exit(0);
}
const generated = [];
const lines = example.map((line) => {
  const key = emptyKey(line);
  if (!key) return line;
  generated.push(key);
  return `${key}=${secret()}`;
});
// Owner-only: the file holds secrets.
writeFileSync(target, lines.join('\n'), { mode: 0o600 });
console.log(`gen-env: wrote .env with random ${generated.join(', ')}`);
