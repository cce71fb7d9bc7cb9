import { ConfigError, loadConfig, platformConfigSchema } from '@rc/platform';
import { DEVELOPMENT_ADMIN_TOKEN } from '@rc/platform';
import { inventoryConfigSchema } from './inventory.config';
import { testServiceKeyPair } from '@rc/testing';

/** The required service-token setting (no default: every run generates its own key). */
const SERVICE_TOKEN = {
  SERVICE_TOKEN_TRUSTED_KEYS: `checkout=${testServiceKeyPair().publicKey}`,
  SERVICE_TOKEN_KEY: testServiceKeyPair().privateKey,
};
const loadWithKeys = (env: Record<string, string>) =>
  loadConfig(inventoryConfigSchema, { ...SERVICE_TOKEN, ...env });

describe('inventory config', () => {
  it('when nothing is set, then every key has a working development default', () => {
    const config = loadWithKeys({});

    expect(config).toMatchObject({
      SERVICE_NAME: 'inventory',
      PORT: 3003,
      DATABASE_URL: 'postgres://rc_inventory@127.0.0.1:5432/rc_inventory',
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      KAFKA_SECURITY_PROTOCOL: 'plaintext',
      KAFKA_FETCH_MAX_WAIT_MS: 5_000,
      RESERVATION_DEFAULT_TTL_SECONDS: 900,
      EXPIRY_RECHECK_INTERVAL_MS: 30_000,
      CHECKOUT_URL: 'http://127.0.0.1:3000',
      CHECKOUT_POLICY: {},
      SEED_CATALOGUE: true,
      RATE_LIMIT_PER_CLIENT_PER_SECOND: 1_000,
      FAULT_RULES: [],
      ADMIN_TOKEN: DEVELOPMENT_ADMIN_TOKEN,
    });
  });

  it('when production runs with the development admin token, then it refuses to start naming the key', () => {
    expect(() => loadWithKeys({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadWithKeys({ NODE_ENV: 'production' })).toThrow(/ADMIN_TOKEN/);
  });

  it('when values are malformed, then each bad key is reported without echoing the secret', () => {
    let error: unknown;
    try {
      loadWithKeys({
        PORT: 'x',
        FAULT_RULES: '[',
        KAFKA_FETCH_MAX_WAIT_MS: '30000', // past 10 s an idle member misses its session
        ADMIN_TOKEN: 'short-secret',
      });
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/FAULT_RULES: must be valid JSON/);
    expect(message).toMatch(/KAFKA_FETCH_MAX_WAIT_MS: Too big: expected number to be <=10000/);
    expect(message).toMatch(/ADMIN_TOKEN/);
    expect(message).not.toContain('short-secret');
  });

  it('when nothing is set, then housekeeping runs every 5 minutes and keeps a week of outbox and inbox rows', () => {
    const config = loadWithKeys({});

    expect(config).toMatchObject({
      HOUSEKEEPING_INTERVAL_MS: 300_000,
      OUTBOX_RETENTION_MS: 7 * 24 * 3_600_000,
      INBOX_RETENTION_MS: 7 * 24 * 3_600_000,
    });
  });

  it('when a housekeeping key would prune too often or too early, then it refuses to start naming each key', () => {
    let error: unknown;
    try {
      loadWithKeys({
        HOUSEKEEPING_INTERVAL_MS: '1000', // a tight loop: under a minute
        OUTBOX_RETENTION_MS: 'a week',
        INBOX_RETENTION_MS: '3600000', // an hour: a redelivery could be applied twice
      });
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/HOUSEKEEPING_INTERVAL_MS/);
    expect(message).toMatch(/OUTBOX_RETENTION_MS/);
    expect(message).toMatch(/INBOX_RETENTION_MS/);
  });

  it('when the service keys are listed, then each one carries a description for the docs and errors', () => {
    const own = Object.entries(inventoryConfigSchema.shape).filter(
      ([key]) => !(key in platformConfigSchema.shape) || key === 'SERVICE_NAME' || key === 'PORT',
    );

    expect(own.length).toBeGreaterThan(15);
    expect(own.filter(([, field]) => !field.description).map(([key]) => key)).toEqual([]);
  });

  it('when SERVICE_TOKEN_TRUSTED_KEYS is missing or not a key, then start-up is refused naming it', () => {
    expect(() => loadConfig(inventoryConfigSchema, {})).toThrow(/SERVICE_TOKEN_TRUSTED_KEYS/);
    expect(() => loadWithKeys({ SERVICE_TOKEN_TRUSTED_KEYS: 'bm90LWEta2V5' })).toThrow(ConfigError);
  });

  it('when Kafka is sasl_ssl without credentials, then it refuses to start naming the SASL keys', () => {
    expect(() => loadWithKeys({ KAFKA_SECURITY_PROTOCOL: 'sasl_ssl' })).toThrow(
      /KAFKA_SASL_MECHANISM: required[^]*KAFKA_SASL_USERNAME: required[^]*KAFKA_SASL_PASSWORD: required/,
    );
  });
});
