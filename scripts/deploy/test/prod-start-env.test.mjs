import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  IDENTITY_PROVIDER,
  localize,
  loopbackResolver,
  startEnvironment,
  trustedCallers,
} from '../lib/prod-start-env.mjs';

const COMPOSE = {
  postgres: { image: 'postgres:17' },
  redis: { image: 'redis:7' },
  'redis-cache': { image: 'redis:7' },
  kafka: { image: 'apache/kafka:4.1.1' },
  inventory: { image: 'rc/inventory:local' },
  checkout: { image: 'rc/checkout:local' },
};
const INFRA = {
  databaseUrl: 'postgres://postgres@127.0.0.1:55432/rc_test',
  redisUrl: 'redis://127.0.0.1:6379',
  redisCacheUrl: 'redis://127.0.0.1:6380',
  kafkaBrokers: ['127.0.0.1:9092'],
};
const resolve = loopbackResolver(COMPOSE, INFRA);

function start(overrides = {}) {
  let n = 0;
  return startEnvironment({
    imageEnv: { NODE_ENV: 'production', PORT: '3000', HOST: '0.0.0.0' },
    composeEnv: {
      SERVICE_NAME: 'checkout',
      PORT: 3000,
      DATABASE_URL: 'postgres://postgres@postgres:5432/rc_checkout',
      ADMIN_TOKEN: '${RC_ADMIN_TOKEN:-rc-compose-admin-token}',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
    },
    resolve,
    schemaKeys: new Set(['SERVICE_NAME', 'DATABASE_URL', 'ADMIN_TOKEN', 'CONSUMER_GROUP']),
    secrets: new Set(['ADMIN_TOKEN', 'FINGERPRINT_KEY']),
    database: 'rc_prodstart_checkout_r1',
    groupSuffix: 'prodstart-r1',
    port: 41234,
    randomSecret: () => `generated-secret-${++n}`,
    otlpEndpoint: 'http://127.0.0.1:45000',
    ...overrides,
  });
}

describe('localize', () => {
  it('when a URL names a Compose infrastructure host, then it points at the loopback server', () => {
    assert.equal(
      localize('postgres://postgres@postgres:5432/rc_checkout', resolve),
      'postgres://postgres@127.0.0.1:55432/rc_checkout',
    );
    assert.equal(localize('redis://redis:6379', resolve), 'redis://127.0.0.1:6379');
    // the cache Redis container maps to the cache server, never the state one
    assert.equal(localize('redis://redis-cache:6379', resolve), 'redis://127.0.0.1:6380');
    assert.equal(localize('kafka:9092', resolve), '127.0.0.1:9092');
  });

  it('when a URL names another service, then it keeps the port on 127.0.0.1', () => {
    assert.equal(localize('http://inventory:3003', resolve), 'http://127.0.0.1:3003');
  });

  it('when a value only equals a Compose service name, or names no Compose host, then it stays', () => {
    assert.equal(localize('checkout', resolve), 'checkout');
    assert.equal(localize('http://example.test:80/x', resolve), 'http://example.test:80/x');
    assert.equal(localize('${LEVEL:-info}', resolve), 'info');
  });
});

describe('startEnvironment', () => {
  it('when the service has secrets, then each gets a generated value, never the Compose demo one', () => {
    const { env } = start();

    assert.equal(env.ADMIN_TOKEN, 'generated-secret-1');
    assert.equal(env.FINGERPRINT_KEY, 'generated-secret-2');
  });

  /** Distinct fake pairs per owner, as check-prod-start's run-wide `keyPairOf`. */
  const fakePairs = () => {
    const asked = [];
    const keyPairOf = (owner) => {
      asked.push(owner);
      return { privateKey: `private-of-${owner}`, publicKey: `public-of-${owner}` };
    };
    return { asked, keyPairOf };
  };

  it('when the service signs and checks service tokens, then its own private key and its callers’ public keys are this run’s pairs', () => {
    const { keyPairOf } = fakePairs();
    const { env, notes } = start({
      composeEnv: {
        SERVICE_NAME: 'inventory',
        SERVICE_TOKEN_TRUSTED_KEYS: 'checkout=${RC_CHECKOUT_SERVICE_TOKEN_PUBLIC_KEY:?x}',
        SERVICE_TOKEN_KEY: '${RC_INVENTORY_SERVICE_TOKEN_KEY:?x}',
      },
      schemaKeys: new Set(['SERVICE_TOKEN_KEY', 'SERVICE_TOKEN_TRUSTED_KEYS', 'ADMIN_TOKEN']),
      secrets: new Set(['SERVICE_TOKEN_KEY', 'ADMIN_TOKEN']),
      keyPairOf,
    });

    assert.equal(env.SERVICE_TOKEN_KEY, 'private-of-inventory');
    assert.equal(env.SERVICE_TOKEN_TRUSTED_KEYS, 'checkout=public-of-checkout');
    assert.equal(env.ADMIN_TOKEN, 'generated-secret-1');
    assert.ok(notes.includes('ADMIN_TOKEN: random per run'));
    assert.ok(notes.some((n) => n.startsWith('SERVICE_TOKEN_KEY: inventory')));
    assert.ok(notes.every((n) => !n.includes('private-of')));
  });

  it('when the service trusts several callers, then each gets its own pair’s public key, in Compose’s order', () => {
    const { env } = start({
      composeEnv: {
        SERVICE_NAME: 'checkout',
        SERVICE_TOKEN_TRUSTED_KEYS: 'inventory=${A:?x},payment=${B:?x}',
      },
      schemaKeys: new Set(['SERVICE_TOKEN_TRUSTED_KEYS']),
      keyPairOf: fakePairs().keyPairOf,
    });

    assert.equal(
      env.SERVICE_TOKEN_TRUSTED_KEYS,
      'inventory=public-of-inventory,payment=public-of-payment',
    );
  });

  it('when Compose names no trusted caller, then the key stays unset and the start refuses naming it', () => {
    const { env } = start({
      composeEnv: { SERVICE_NAME: 'checkout' },
      schemaKeys: new Set(['SERVICE_TOKEN_TRUSTED_KEYS']),
      keyPairOf: fakePairs().keyPairOf,
    });

    assert.equal('SERVICE_TOKEN_TRUSTED_KEYS' in env, false);
  });

  it('when the service verifies customer tokens, then it trusts this run’s identity provider', () => {
    const { env, notes } = start({
      composeEnv: {
        SERVICE_NAME: 'cart',
        CUSTOMER_TOKEN_PUBLIC_KEYS: '${RC_IDENTITY_PUBLIC_KEY:?x}',
      },
      schemaKeys: new Set(['CUSTOMER_TOKEN_PUBLIC_KEYS', 'CUSTOMER_TOKEN_ISSUER']),
      keyPairOf: fakePairs().keyPairOf,
    });

    assert.equal(env.CUSTOMER_TOKEN_PUBLIC_KEYS, `public-of-${IDENTITY_PROVIDER}`);
    assert.equal('CUSTOMER_TOKEN_ISSUER' in env, false);
    assert.ok(notes.some((n) => n.startsWith('CUSTOMER_TOKEN_PUBLIC_KEYS:')));
  });

  it('when the schema lists customers’ tokens, then they are the run’s signed tokens, not random bytes', () => {
    const { env, notes } = start({
      composeEnv: { SERVICE_NAME: 'console', CONSOLE_CUSTOMER_TOKENS: '${RC_TOKENS:?x}' },
      schemaKeys: new Set(['CONSOLE_CUSTOMER_TOKENS', 'ADMIN_TOKEN']),
      secrets: new Set(['CONSOLE_CUSTOMER_TOKENS', 'ADMIN_TOKEN']),
      customerTokens: ['token.of.one', 'token.of.two'],
    });

    assert.equal(env.CONSOLE_CUSTOMER_TOKENS, 'token.of.one,token.of.two');
    assert.equal(env.ADMIN_TOKEN, 'generated-secret-1');
    assert.ok(notes.some((n) => n.startsWith('CONSOLE_CUSTOMER_TOKENS: 2 customers')));
    assert.ok(notes.every((n) => !n.includes('token.of')));
  });

  it('when two services are started, then a signer’s private key and its trusting service’s public key are one pair', () => {
    const pairs = new Map();
    const keyPairOf = (owner) => {
      if (!pairs.has(owner))
        pairs.set(owner, { privateKey: `k${pairs.size}`, publicKey: `p${pairs.size}` });
      return pairs.get(owner);
    };
    const checkout = start({
      composeEnv: { SERVICE_NAME: 'checkout', SERVICE_TOKEN_TRUSTED_KEYS: 'inventory=${A:?x}' },
      schemaKeys: new Set(['SERVICE_TOKEN_KEY', 'SERVICE_TOKEN_TRUSTED_KEYS']),
      keyPairOf,
    }).env;
    const inventory = start({
      composeEnv: { SERVICE_NAME: 'inventory', SERVICE_TOKEN_TRUSTED_KEYS: 'checkout=${B:?x}' },
      schemaKeys: new Set(['SERVICE_TOKEN_KEY', 'SERVICE_TOKEN_TRUSTED_KEYS']),
      keyPairOf,
    }).env;

    assert.equal(
      checkout.SERVICE_TOKEN_TRUSTED_KEYS,
      `inventory=${pairs.get('inventory').publicKey}`,
    );
    assert.equal(inventory.SERVICE_TOKEN_KEY, pairs.get('inventory').privateKey);
    assert.equal(
      inventory.SERVICE_TOKEN_TRUSTED_KEYS,
      `checkout=${pairs.get('checkout').publicKey}`,
    );
    assert.equal(checkout.SERVICE_TOKEN_KEY, pairs.get('checkout').privateKey);
  });

  it('when a Compose trusted-keys value is read, then its caller names come out in order, once each', () => {
    assert.deepEqual(trustedCallers('checkout=${X:?y}, inventory=abc,checkout=${Z:?w}'), [
      'checkout',
      'inventory',
    ]);
    assert.deepEqual(trustedCallers(undefined), []);
  });

  it('when a secret key holds a URL in Compose, then it keeps it (the server must be reached)', () => {
    const { env } = start({
      composeEnv: { DATABASE_URL: 'postgres://app:pw@postgres:5432/db' },
      secrets: new Set(['DATABASE_URL', 'ADMIN_TOKEN']),
      database: undefined,
    });

    assert.equal(env.DATABASE_URL, 'postgres://app:pw@127.0.0.1:55432/db');
    assert.equal(env.ADMIN_TOKEN, 'generated-secret-1');
  });

  it('when notes are printed, then they name the secrets without their values', () => {
    const { notes } = start();

    assert.ok(notes.some((n) => n.startsWith('ADMIN_TOKEN, FINGERPRINT_KEY: random per run')));
    assert.ok(notes.every((n) => !n.includes('generated-secret')));
  });

  it('when the service has a database, then it uses this run’s fresh one on the loopback server', () => {
    assert.equal(
      start().env.DATABASE_URL,
      'postgres://postgres@127.0.0.1:55432/rc_prodstart_checkout_r1',
    );
  });

  it('when the schema has a consumer group key, then the run uses a group of its own', () => {
    assert.equal(start().env.CONSUMER_GROUP, 'checkout-prodstart-r1');
  });

  it('when the image ENV and Compose set PORT and HOST, then the free port and loopback win', () => {
    const { env } = start();

    assert.deepEqual([env.PORT, env.HOST, env.NODE_ENV], ['41234', '127.0.0.1', 'production']);
    assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:45000');
  });

  it('when the service has no database key, then no DATABASE_URL appears', () => {
    const { env } = start({ composeEnv: { SERVICE_NAME: 'cart' }, database: undefined });

    assert.equal('DATABASE_URL' in env, false);
  });
});
