import { ConfigError, loadConfig } from '@rc/platform';
import { checkoutConfigSchema } from './checkout.config';
import { testServiceKeyPair } from '@rc/testing';

/** The required service-token setting (no default: every run generates its own key). */
const SERVICE_TOKEN = {
  SERVICE_TOKEN_KEY: testServiceKeyPair().privateKey,
  SERVICE_TOKEN_TRUSTED_KEYS: `inventory=${testServiceKeyPair().publicKey}`,
  CUSTOMER_TOKEN_PUBLIC_KEYS: testServiceKeyPair().publicKey,
};
const loadWithKeys = (env: Record<string, string>) =>
  loadConfig(checkoutConfigSchema, { ...SERVICE_TOKEN, ...env });

describe('checkout config', () => {
  it('when nothing is set, then the defaults make a working development service', () => {
    const config = loadWithKeys({});

    expect(config).toMatchObject({
      SERVICE_NAME: 'checkout',
      PORT: 3000,
      DATABASE_URL: 'postgres://rc_checkout@127.0.0.1:5432/rc_checkout',
      INVENTORY_URL: 'http://127.0.0.1:3003',
      PAYMENT_URL: 'http://127.0.0.1:3002',
      CART_URL: 'http://127.0.0.1:3001',
      RECOMMENDATIONS_URL: 'http://127.0.0.1:3004',
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      KAFKA_SECURITY_PROTOCOL: 'plaintext',
      CHECKOUT_DEFAULT_DEADLINE_MS: 3_000,
      RECOVERY_STALE_AFTER_MS: 30_000,
      OUTBOUND_POLICIES_JSON: {},
      RATE_LIMIT_PER_CLIENT_PER_SECOND: 1_000,
      RESILIENCE_PIPELINE_ENABLED: true,
    });
  });

  it('when the resilience pipeline is switched off, then development accepts it and production refuses it', () => {
    const off = { RESILIENCE_PIPELINE_ENABLED: 'false' };

    const development = loadWithKeys(off);
    const production = () =>
      loadWithKeys({
        ...off,
        NODE_ENV: 'production',
        ADMIN_TOKEN: 'a-real-admin-token-0123456789',
        IDEMPOTENCY_FINGERPRINT_KEY: 'a-real-fingerprint-key-0123456789',
      });

    expect(development.RESILIENCE_PIPELINE_ENABLED).toBe(false);
    expect(production).toThrow(/RESILIENCE_PIPELINE_ENABLED: must stay true in production/);
  });

  it('when the recovery worker could take over a live checkout, then it refuses to start', () => {
    const load = () =>
      loadWithKeys({
        CHECKOUT_MAX_DEADLINE_MS: '20000',
        RECOVERY_STALE_AFTER_MS: '15000',
      });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/RECOVERY_STALE_AFTER_MS: must be > CHECKOUT_MAX_DEADLINE_MS/);
  });

  it('when the policy overrides are not JSON, then it refuses to start naming the key', () => {
    expect(() => loadWithKeys({ OUTBOUND_POLICIES_JSON: '{nope' })).toThrow(
      /OUTBOUND_POLICIES_JSON: must be valid JSON/,
    );
  });

  it('when a value is out of range, then the refusal names the key and its documentation', () => {
    expect(() => loadWithKeys({ DATABASE_POOL_MAX: '1' })).toThrow(
      /DATABASE_POOL_MAX: .*\(Connections in the Postgres pool\.\)/,
    );
  });

  it('when production runs with the development admin token, then it refuses to start', () => {
    expect(() => loadWithKeys({ NODE_ENV: 'production' })).toThrow(
      /ADMIN_TOKEN: must be set in production/,
    );
  });

  it('when production connects to its database as the superuser, then it refuses to start naming DATABASE_URL', () => {
    expect(() =>
      loadWithKeys({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://postgres@db:5432/rc_checkout',
      }),
    ).toThrow(/DATABASE_URL: must connect as the service's own role in production/);
  });

  it('when the fallback list is given, then it is split into SKUs', () => {
    const config = loadWithKeys({ RECOMMENDATIONS_FALLBACK_SKUS: 'A, B' });

    expect(config.RECOMMENDATIONS_FALLBACK_SKUS).toEqual(['A', 'B']);
  });

  it('when SERVICE_TOKEN_KEY is missing or not a key, then start-up is refused naming it', () => {
    expect(() => loadConfig(checkoutConfigSchema, {})).toThrow(/SERVICE_TOKEN_KEY/);
    expect(() => loadWithKeys({ SERVICE_TOKEN_KEY: 'bm90LWEta2V5' })).toThrow(ConfigError);
  });

  it('when Kafka is sasl_ssl without credentials, then it refuses to start naming the SASL keys', () => {
    expect(() => loadWithKeys({ KAFKA_SECURITY_PROTOCOL: 'sasl_ssl' })).toThrow(
      /KAFKA_SASL_MECHANISM: required[^]*KAFKA_SASL_USERNAME: required[^]*KAFKA_SASL_PASSWORD: required/,
    );
  });
});
