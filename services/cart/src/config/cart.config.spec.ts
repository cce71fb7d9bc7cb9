import { ConfigError, loadConfig } from '@rc/platform';
import { DEVELOPMENT_ADMIN_TOKEN } from '@rc/platform';
import { testServiceKeyPair } from '@rc/testing';
import { cartConfigSchema } from './cart.config';

/** The required customer-token setting (no default: every run generates its identity key). */
const REQUIRED = { CUSTOMER_TOKEN_PUBLIC_KEYS: testServiceKeyPair().publicKey };

describe('cart config', () => {
  it('when nothing is set, then the defaults make a working development service', () => {
    // Act
    const config = loadConfig(cartConfigSchema, REQUIRED);

    // Assert
    expect(config).toMatchObject({
      SERVICE_NAME: 'cart',
      PORT: 3001,
      CART_KEY_PREFIX: 'cart:',
      CART_TTL_SECONDS: 604_800,
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      KAFKA_SECURITY_PROTOCOL: 'plaintext',
      FAULT_RULES: [],
      RATE_LIMIT_PER_CLIENT_PER_SECOND: 1_000,
      ADMIN_TOKEN: DEVELOPMENT_ADMIN_TOKEN,
    });
  });

  it('when production runs with the development admin token, then it refuses to start naming the key', () => {
    // Act
    const load = () => loadConfig(cartConfigSchema, { ...REQUIRED, NODE_ENV: 'production' });

    // Assert
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/ADMIN_TOKEN: must be set in production/);
  });

  it('when values are malformed, then every bad key is named', () => {
    // Act
    const load = () =>
      loadConfig(cartConfigSchema, {
        ...REQUIRED,
        FAULT_RULES: '[not json',
        KAFKA_BROKERS: 'a:1, b:2',
        CART_TTL_SECONDS: '-1',
      });

    // Assert
    expect(load).toThrow(/FAULT_RULES: must be valid JSON/);
    expect(load).toThrow(/CART_TTL_SECONDS/);
  });

  it('when Kafka is sasl_ssl without credentials, then it refuses to start naming each missing key', () => {
    // Act
    const load = () =>
      loadConfig(cartConfigSchema, { ...REQUIRED, KAFKA_SECURITY_PROTOCOL: 'sasl_ssl' });

    // Assert
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/KAFKA_SASL_MECHANISM: required when KAFKA_SECURITY_PROTOCOL is sasl_ssl/);
    expect(load).toThrow(/KAFKA_SASL_USERNAME: required when KAFKA_SECURITY_PROTOCOL is sasl_ssl/);
    expect(load).toThrow(/KAFKA_SASL_PASSWORD: required when KAFKA_SECURITY_PROTOCOL is sasl_ssl/);
  });

  it('when Kafka is sasl_ssl with its credentials, then the config carries them for the client', () => {
    // Arrange
    const env = {
      KAFKA_SECURITY_PROTOCOL: 'sasl_ssl',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'cart',
      KAFKA_SASL_PASSWORD: `pw-${Math.random().toString(36).slice(2)}`,
    };

    // Act
    const config = loadConfig(cartConfigSchema, { ...REQUIRED, ...env });

    // Assert
    expect(config).toMatchObject(env);
  });

  it('when a SASL username is set under plaintext, then it refuses to start rather than ignore it', () => {
    expect(() =>
      loadConfig(cartConfigSchema, { ...REQUIRED, KAFKA_SASL_USERNAME: 'cart' }),
    ).toThrow(/KAFKA_SASL_USERNAME: set, but KAFKA_SECURITY_PROTOCOL plaintext does not use SASL/);
  });

  it('when brokers are listed with spaces, then they are split and trimmed', () => {
    expect(
      loadConfig(cartConfigSchema, { ...REQUIRED, KAFKA_BROKERS: 'a:1, b:2' }).KAFKA_BROKERS,
    ).toEqual(['a:1', 'b:2']);
  });
});
