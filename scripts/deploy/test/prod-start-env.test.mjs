import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localize, loopbackResolver, startEnvironment } from '../lib/prod-start-env.mjs';

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

  it('when the service signs or checks service tokens, then both keys get one fresh pair, not random bytes', () => {
    const pair = { privateKey: 'cHJpdmF0ZQ==', publicKey: 'cHVibGlj' };
    const { env, notes } = start({
      composeEnv: {
        SERVICE_TOKEN_TRUSTED_KEYS: 'checkout=${RC_CHECKOUT_SERVICE_TOKEN_PUBLIC_KEY:?x}',
      },
      schemaKeys: new Set(['SERVICE_TOKEN_KEY', 'SERVICE_TOKEN_TRUSTED_KEYS', 'ADMIN_TOKEN']),
      secrets: new Set(['SERVICE_TOKEN_KEY', 'ADMIN_TOKEN']),
      serviceKeyPair: () => pair,
    });

    assert.equal(env.SERVICE_TOKEN_KEY, pair.privateKey);
    assert.equal(env.SERVICE_TOKEN_TRUSTED_KEYS, `checkout=${pair.publicKey}`);
    assert.equal(env.ADMIN_TOKEN, 'generated-secret-1');
    assert.ok(notes.includes('ADMIN_TOKEN: random per run'));
    assert.ok(notes.some((n) => n.startsWith('SERVICE_TOKEN_KEY, SERVICE_TOKEN_TRUSTED_KEYS:')));
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
