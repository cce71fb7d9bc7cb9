import { z } from 'zod';
import { isSecret } from './config-schema';
import { redactConfig } from './load-config';
import { DEVELOPMENT_ADMIN_TOKEN } from './env-parsers';
import { loadConfig } from './load-config';
import {
  DEFAULT_KAFKA_FETCH_MAX_WAIT_MS,
  refuseDevelopmentDefaults,
  serviceKeys,
} from './service-keys';

/** A schema as a service writes one: shared key definitions, named by the service. */
const schema = z
  .object({
    NODE_ENV: serviceKeys.nodeEnv(),
    DATABASE_POOL_MAX: serviceKeys.databasePoolMax(),
    DATABASE_URL: serviceKeys.databaseUrl('rc_demo', 'The demo database.'),
    KAFKA_BROKERS: serviceKeys.kafkaBrokers(),
    KAFKA_FETCH_MAX_WAIT_MS: serviceKeys.kafkaFetchMaxWaitMs(),
    KAFKA_SECURITY_PROTOCOL: serviceKeys.kafkaSecurityProtocol(),
    KAFKA_SASL_MECHANISM: serviceKeys.kafkaSaslMechanism(),
    KAFKA_SASL_USERNAME: serviceKeys.kafkaSaslUsername(),
    KAFKA_SASL_PASSWORD: serviceKeys.kafkaSaslPassword(),
    KAFKA_SSL_CA_FILE: serviceKeys.kafkaSslCaFile(),
    KAFKA_SSL_CERT_FILE: serviceKeys.kafkaSslCertFile(),
    KAFKA_SSL_KEY_FILE: serviceKeys.kafkaSslKeyFile(),
    RATE_LIMIT_PER_CLIENT_PER_SECOND: serviceKeys.rateLimitPerClient(),
    IDEMPOTENCY_TTL_SECONDS: serviceKeys.idempotencyTtlSeconds('How long keys are kept.'),
    FAULT_RULES: serviceKeys.faultRules(),
    ADMIN_TOKEN: serviceKeys.adminToken('Admin bearer token.'),
    SIGNING_KEY: z.string().default('dev-signing-key-change-me'),
  })
  .superRefine((config, ctx) =>
    refuseDevelopmentDefaults(config, ctx, { SIGNING_KEY: 'dev-signing-key-change-me' }),
  );

const issuesOf = (env: Record<string, string>) =>
  schema.safeParse(env).error?.issues.map((i) => [i.path.join('.'), i.message]) ?? [];

describe('shared service config keys', () => {
  it('when nothing is set, then every key takes its development default', () => {
    // Act
    const config = schema.parse({});

    // Assert
    expect(config).toEqual({
      NODE_ENV: 'development',
      DATABASE_URL: 'postgres://rc_demo@127.0.0.1:5432/rc_demo',
      DATABASE_POOL_MAX: 20,
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      KAFKA_FETCH_MAX_WAIT_MS: 5_000,
      KAFKA_SECURITY_PROTOCOL: 'plaintext',
      RATE_LIMIT_PER_CLIENT_PER_SECOND: 1_000,
      IDEMPOTENCY_TTL_SECONDS: 86_400,
      FAULT_RULES: [],
      ADMIN_TOKEN: DEVELOPMENT_ADMIN_TOKEN,
      SIGNING_KEY: 'dev-signing-key-change-me',
    });
  });

  it('when values are out of bounds, then each key is named with its problem', () => {
    // Act
    const issues = issuesOf({
      RATE_LIMIT_PER_CLIENT_PER_SECOND: '0',
      IDEMPOTENCY_TTL_SECONDS: '59',
      FAULT_RULES: '[not json',
      ADMIN_TOKEN: 'short',
    });

    // Assert
    expect(issues.map(([key]) => key)).toEqual([
      'RATE_LIMIT_PER_CLIENT_PER_SECOND',
      'IDEMPOTENCY_TTL_SECONDS',
      'FAULT_RULES',
      'ADMIN_TOKEN',
    ]);
  });

  it('when a service names its own pool default, then it applies within the shared bounds', () => {
    // Arrange
    const pool = serviceKeys.databasePoolMax('Connections.', 10);

    // Act / Assert
    expect(pool.parse(undefined)).toBe(10);
    expect(pool.parse('200')).toBe(200);
    expect(pool.safeParse('1').success).toBe(false);
    expect(pool.description).toBe('Connections.');
  });

  it('when KAFKA_BROKERS lists brokers with spaces, then they are trimmed', () => {
    expect(schema.parse({ KAFKA_BROKERS: 'a:9092, b:9092 ,' }).KAFKA_BROKERS).toEqual([
      'a:9092',
      'b:9092',
    ]);
  });

  it('when KAFKA_FETCH_MAX_WAIT_MS is set within 100 ms to 10 s, then it is the fetch wait; the default is kafkajs’ 5 s', () => {
    // Act / Assert
    expect(DEFAULT_KAFKA_FETCH_MAX_WAIT_MS).toBe(5_000);
    expect(schema.parse({ KAFKA_FETCH_MAX_WAIT_MS: '1000' }).KAFKA_FETCH_MAX_WAIT_MS).toBe(1_000);
    expect(schema.parse({ KAFKA_FETCH_MAX_WAIT_MS: '100' }).KAFKA_FETCH_MAX_WAIT_MS).toBe(100);
    expect(schema.parse({ KAFKA_FETCH_MAX_WAIT_MS: '10000' }).KAFKA_FETCH_MAX_WAIT_MS).toBe(10_000);
  });

  it.each([
    ['99', 'Too small: expected number to be >=100'],
    ['10001', 'Too big: expected number to be <=10000'],
    ['1.5', 'Invalid input: expected int, received number'],
  ])(
    'when KAFKA_FETCH_MAX_WAIT_MS is %s, then the config is refused naming the key and its bound',
    (value, problem) => {
      // Act
      const load = () => loadConfig(schema, { KAFKA_FETCH_MAX_WAIT_MS: value });

      // Assert
      expect(load).toThrow(`KAFKA_FETCH_MAX_WAIT_MS: ${problem}, got "${value}" (Longest a Kafka`);
    },
  );

  it('when Kafka security keys are set, then they are kept and the SASL password is a secret', () => {
    // Arrange
    const password = `pw-${Math.random().toString(36).slice(2)}`;

    // Act
    const config = schema.parse({
      KAFKA_SECURITY_PROTOCOL: 'sasl_ssl',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'checkout',
      KAFKA_SASL_PASSWORD: password,
      KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem',
    });
    const logged = JSON.stringify(redactConfig(schema, config));

    // Assert
    expect(config).toMatchObject({
      KAFKA_SECURITY_PROTOCOL: 'sasl_ssl',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'checkout',
      KAFKA_SASL_PASSWORD: password,
      KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem',
    });
    expect(isSecret(serviceKeys.kafkaSaslPassword())).toBe(true);
    expect(logged).not.toContain(password);
    expect(logged).toContain('"KAFKA_SASL_PASSWORD":"***"');
  });

  it('when Kafka security keys are empty or unknown, then each is named', () => {
    // Act
    const issues = issuesOf({
      KAFKA_SECURITY_PROTOCOL: 'tls',
      KAFKA_SASL_MECHANISM: 'gssapi',
      KAFKA_SASL_USERNAME: '',
      KAFKA_SASL_PASSWORD: '',
      KAFKA_SSL_CA_FILE: '',
    });

    // Assert
    expect(issues.map(([key]) => key)).toEqual([
      'KAFKA_SECURITY_PROTOCOL',
      'KAFKA_SASL_MECHANISM',
      'KAFKA_SASL_USERNAME',
      'KAFKA_SASL_PASSWORD',
      'KAFKA_SSL_CA_FILE',
    ]);
    expect(issues[2]?.[1]).toBe('must not be empty (unset it instead)');
  });

  it('when production connects to the database as the superuser, then DATABASE_URL is refused', () => {
    // Act
    const issues = issuesOf({
      NODE_ENV: 'production',
      ADMIN_TOKEN: 'a-production-admin-token',
      SIGNING_KEY: 'a-production-signing-key',
      DATABASE_URL: 'postgres://postgres:pw@db:5432/rc_demo',
    });

    // Assert
    expect(issues).toEqual([
      [
        'DATABASE_URL',
        "must connect as the service's own role in production, not as the superuser postgres",
      ],
    ]);
  });

  it('when production connects as the service role with a password, then it is accepted and the password never logged', () => {
    // Arrange
    const password = `pw-${Math.random().toString(36).slice(2)}`;

    // Act
    const config = schema.parse({
      NODE_ENV: 'production',
      ADMIN_TOKEN: 'a-production-admin-token',
      SIGNING_KEY: 'a-production-signing-key',
      DATABASE_URL: `postgres://rc_demo:${password}@db:5432/rc_demo`,
    });
    const logged = JSON.stringify(redactConfig(schema, config));

    // Assert
    expect(logged).not.toContain(password);
    expect(logged).toContain('"DATABASE_URL":"postgres://rc_demo:***@db:5432/rc_demo"');
  });

  it('when the admin token is declared, then it is marked a secret', () => {
    expect(isSecret(serviceKeys.adminToken('x'))).toBe(true);
  });

  it('when production keeps the development secrets, then each is refused by name', () => {
    // Act
    const issues = issuesOf({ NODE_ENV: 'production' });

    // Assert
    const refused = 'must be set in production (the development default is refused)';
    expect(issues).toEqual([
      ['ADMIN_TOKEN', refused],
      ['SIGNING_KEY', refused],
    ]);
  });

  it('when production sets its own secrets, or it is not production, then nothing is refused', () => {
    // Act
    const production = issuesOf({
      NODE_ENV: 'production',
      ADMIN_TOKEN: 'a-real-token-0123456789',
      SIGNING_KEY: 'a-real-signing-key',
    });
    const test = issuesOf({ NODE_ENV: 'test' });

    // Assert
    expect(production).toEqual([]);
    expect(test).toEqual([]);
  });
});
