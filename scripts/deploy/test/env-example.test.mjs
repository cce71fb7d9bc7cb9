import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const required = [
  ...readFileSync(join(root, 'docker-compose.yml'), 'utf8').matchAll(/\$\{(\w+):\?/g),
].map((m) => m[1]);

describe('.env.example and scripts/gen-env.mjs', () => {
  it('when Compose requires a variable, then .env.example lists it for gen-env to fill', () => {
    const example = readFileSync(join(root, '.env.example'), 'utf8');

    assert.ok(required.includes('RC_ADMIN_TOKEN'));
    assert.ok(required.includes('RC_GRAFANA_ADMIN_PASSWORD'));
    for (const name of new Set(required))
      assert.match(example, new RegExp(`^${name}=$`, 'm'), `${name} missing`);
  });

  it('when gen-env runs, then .env gets a random value per secret, owner-only, and is not overwritten', () => {
    // Arrange: a copy of the two files in a scratch repository layout.
    const dir = mkdtempSync(join(tmpdir(), 'gen-env-'));
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(join(root, 'scripts', 'gen-env.mjs'), join(dir, 'scripts', 'gen-env.mjs'));
    copyFileSync(join(root, '.env.example'), join(dir, '.env.example'));
    const run = (...args) =>
      spawnSync(process.execPath, [join(dir, 'scripts', 'gen-env.mjs'), ...args], {
        encoding: 'utf8',
      });

    // Act
    const first = run();
    const env = readFileSync(join(dir, '.env'), 'utf8');
    const again = run();
    const forced = run('--force');

    // Assert
    assert.equal(first.status, 0);
    for (const name of new Set(required)) {
      const value = new RegExp(`^${name}=(.+)$`, 'm').exec(env)?.[1] ?? '';
      assert.ok(value.length >= 40, `${name} has a random value`);
      assert.ok(!first.stdout.includes(value), 'values are not printed');
    }
    assert.equal(statSync(join(dir, '.env')).mode & 0o777, 0o600);
    assert.equal(again.status, 1);
    assert.equal(forced.status, 0);
    assert.notEqual(readFileSync(join(dir, '.env'), 'utf8'), env);
  });
});
