import {
  ConfigError,
  DEVELOPMENT_ADMIN_TOKEN,
  loadConfig,
  platformConfigSchema,
} from '@rc/platform';
import {
  DEVELOPMENT_FINGERPRINT_SECRET,
  paymentConfigSchema,
  providerPolicy,
} from './payment.config';
import { testServiceKeyPair } from '@rc/testing';

/** The required service-token setting (no default: every run generates its own key). */
const SERVICE_TOKEN = { SERVICE_TOKEN_TRUSTED_KEYS: `checkout=${testServiceKeyPair().publicKey}` };
const load = (env: Record<string, string>) =>
  loadConfig(paymentConfigSchema, { ...SERVICE_TOKEN, ...env });

describe('payment config', () => {
  it('when nothing is set, then every key has a working development default', () => {
    expect(load({})).toMatchObject({
      SERVICE_NAME: 'payment',
      PORT: 3002,
      DATABASE_URL: 'postgres://rc_payment@127.0.0.1:5432/rc_payment',
      PAYMENTS_TOPIC: 'payments',
      TOKEN_FINGERPRINT_SECRET: DEVELOPMENT_FINGERPRINT_SECRET,
      ADMIN_TOKEN: DEVELOPMENT_ADMIN_TOKEN,
      PROVIDER_POLICY: {},
    });
  });

  it('when production runs with development secrets, then it refuses to start naming both keys', () => {
    expect(() => load({ NODE_ENV: 'production' })).toThrow(
      /ADMIN_TOKEN[\s\S]*TOKEN_FINGERPRINT_SECRET/,
    );
    expect(() =>
      load({
        NODE_ENV: 'production',
        ADMIN_TOKEN: 'a-real-admin-token-1',
        TOKEN_FINGERPRINT_SECRET: 'a-real-hmac-secret-1',
      }),
    ).not.toThrow();
  });

  it('when the provider policy override is invalid, then start-up is refused with the policy key', () => {
    expect(() => load({ PROVIDER_POLICY: '{"retry":{"maxAttempts":50}}' })).toThrow(ConfigError);
    expect(() => load({ PROVIDER_POLICY: '{"retry":{"maxAttempts":50}}' })).toThrow(
      /PROVIDER_POLICY: invalid policy: retry.maxAttempts/,
    );
    expect(() => load({ PROVIDER_POLICY: '{oops' })).toThrow(/PROVIDER_POLICY: must be valid JSON/);
  });

  it('when an override sets some keys of a section, then the other defaults of that section stay', () => {
    expect(providerPolicy({ attemptTimeoutMs: 2_000, retry: { maxAttempts: 3 } })).toEqual({
      attemptTimeoutMs: 2_000,
      retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 200 },
    });
  });

  it('when the service keys are listed, then each one carries a description for the docs and errors', () => {
    const own = Object.entries(paymentConfigSchema.shape).filter(
      ([key]) => !(key in platformConfigSchema.shape) || key === 'SERVICE_NAME' || key === 'PORT',
    );

    expect(own.length).toBeGreaterThan(15);
    expect(own.filter(([, field]) => !field.description).map(([key]) => key)).toEqual([]);
  });

  it('when SERVICE_TOKEN_TRUSTED_KEYS is missing or names no key, then start-up is refused naming it', () => {
    expect(() => loadConfig(paymentConfigSchema, {})).toThrow(/SERVICE_TOKEN_TRUSTED_KEYS/);
    expect(() => load({ SERVICE_TOKEN_TRUSTED_KEYS: 'checkout=bm90LWEta2V5' })).toThrow(
      /the key of checkout is not a base64 DER key/,
    );
  });

  it('when Kafka is sasl_ssl without credentials, then it refuses to start naming the SASL keys', () => {
    expect(() => load({ KAFKA_SECURITY_PROTOCOL: 'sasl_ssl' })).toThrow(
      /KAFKA_SASL_MECHANISM: required[^]*KAFKA_SASL_USERNAME: required[^]*KAFKA_SASL_PASSWORD: required/,
    );
  });
});
