import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
} from 'node:fs';
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

  /** A scratch repository layout with gen-env, its helper and .env.example; `built`: the platform's build too. */
  function scratch({ built }) {
    const dir = mkdtempSync(join(tmpdir(), 'gen-env-'));
    mkdirSync(join(dir, 'scripts', 'lib'), { recursive: true });
    copyFileSync(join(root, 'scripts', 'gen-env.mjs'), join(dir, 'scripts', 'gen-env.mjs'));
    for (const file of ['dev-credentials.mjs'])
      copyFileSync(join(root, 'scripts', 'lib', file), join(dir, 'scripts', 'lib', file));
    copyFileSync(join(root, '.env.example'), join(dir, '.env.example'));
    if (built) {
      const dist = join(root, 'libs', 'platform', 'dist');
      assert.ok(existsSync(join(dist, 'index.js')), 'libs/platform is built (npm run build)');
      mkdirSync(join(dir, 'libs', 'platform'), { recursive: true });
      symlinkSync(dist, join(dir, 'libs', 'platform', 'dist'), 'dir');
    }
    const run = (...args) =>
      spawnSync(process.execPath, [join(dir, 'scripts', 'gen-env.mjs'), ...args], {
        cwd: dir,
        encoding: 'utf8',
      });
    return { dir, run };
  }

  it('when gen-env runs, then .env gets a random value per secret, owner-only, and is not overwritten', () => {
    // Arrange: a copy of the files in a scratch repository layout.
    const { dir, run } = scratch({ built: true });

    // Act
    const first = run();
    const env = readFileSync(join(dir, '.env'), 'utf8');
    const again = run();
    const forced = run('--force');

    // Assert
    assert.equal(first.status, 0, first.stderr);
    const valueOf = (name, text = env) => new RegExp(`^${name}=(.+)$`, 'm').exec(text)?.[1] ?? '';
    for (const name of new Set(required)) {
      const value = valueOf(name);
      // The admin token is the development credentials' (24 random bytes); the rest 32 bytes or a key.
      assert.ok(
        value.length >= (name === 'RC_ADMIN_TOKEN' ? 32 : 40),
        `${name} has a random value`,
      );
      assert.ok(!first.stdout.includes(value), 'values are not printed');
    }
    assert.equal(statSync(join(dir, '.env')).mode & 0o777, 0o600);
    assert.equal(again.status, 1);
    assert.equal(forced.status, 0);
    assert.notEqual(readFileSync(join(dir, '.env'), 'utf8'), env);
  });

  it('when gen-env makes the service-token and identity keys, then each public key is its private key’s and the identity is the development one', () => {
    // Arrange
    const { dir, run } = scratch({ built: true });

    // Act
    const result = run();

    // Assert
    assert.equal(result.status, 0, result.stderr);
    const env = readFileSync(join(dir, '.env'), 'utf8');
    const valueOf = (name) => new RegExp(`^${name}=(.+)$`, 'm').exec(env)?.[1] ?? '';
    const publicOf = (privateKey) =>
      createPublicKey(
        createPrivateKey({ key: Buffer.from(privateKey, 'base64'), format: 'der', type: 'pkcs8' }),
      )
        .export({ format: 'der', type: 'spki' })
        .toString('base64');
    for (const name of ['CHECKOUT', 'INVENTORY']) {
      const privateKey = valueOf(`RC_${name}_SERVICE_TOKEN_KEY`);
      assert.equal(valueOf(`RC_${name}_SERVICE_TOKEN_PUBLIC_KEY`), publicOf(privateKey), name);
    }
    assert.notEqual(
      valueOf('RC_CHECKOUT_SERVICE_TOKEN_KEY'),
      valueOf('RC_INVENTORY_SERVICE_TOKEN_KEY'),
    );
    const identity = JSON.parse(readFileSync(join(dir, '.dev', 'identity.json'), 'utf8'));
    const credentials = JSON.parse(readFileSync(join(dir, '.dev', 'credentials.json'), 'utf8'));
    assert.equal(valueOf('RC_IDENTITY_PUBLIC_KEY'), identity.publicKey);
    assert.equal(publicOf(identity.privateKey), identity.publicKey);
    assert.equal(valueOf('RC_ADMIN_TOKEN'), credentials.adminToken);
    assert.equal(
      valueOf('RC_CONSOLE_CUSTOMER_TOKENS'),
      credentials.customers.map((c) => c.token).join(','),
    );
    assert.ok(credentials.customers.length >= 3);
    assert.ok(!env.includes(identity.privateKey), 'the provider’s private key stays in .dev/');
  });

  it('when the platform is not built, then gen-env says to build first and writes no .env', () => {
    // Arrange
    const { dir, run } = scratch({ built: false });

    // Act
    const result = run();

    // Assert
    assert.equal(result.status, 1);
    assert.match(result.stderr, /run npm run build first/);
    assert.equal(existsSync(join(dir, '.env')), false);
  });
});
