import { z } from 'zod';
import { platformConfigSchema, secret } from './config-schema';
import { ConfigError, configHash, loadConfig, redactConfig } from './load-config';
import { withoutUrlPassword } from '../logging/redact';

const schema = platformConfigSchema.extend({
  DATABASE_URL: z.string().url().describe('Postgres URL.').default('postgres://localhost/db'),
  ADMIN_TOKEN: secret(z.string().min(12).describe('Admin API token.')).default(
    'development-only-token',
  ),
});

describe('loadConfig', () => {
  it('when nothing is set, then every key has its documented default', () => {
    const config = loadConfig(schema, {});

    expect(config).toMatchObject({
      PORT: 3000,
      LOG_LEVEL: 'info',
      OTEL_ENABLED: false,
      BODY_LIMIT_BYTES: 65536,
    });
  });

  it('when values are strings from the environment, then they are coerced', () => {
    const config = loadConfig(schema, {
      PORT: '8080',
      OTEL_ENABLED: 'true',
      OTEL_SAMPLING_RATIO: '0.25',
    });

    expect(config).toMatchObject({ PORT: 8080, OTEL_ENABLED: true, OTEL_SAMPLING_RATIO: 0.25 });
  });

  it('when keys are invalid, then ConfigError names each key with its doc, hiding secret values', () => {
    const attempt = () =>
      loadConfig(schema, { PORT: '99999', DATABASE_URL: 'nope', ADMIN_TOKEN: 'short-one' });

    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (e) {
      const message = (e as ConfigError).message;
      expect(message).toMatch(/PORT: .*got "99999".*HTTP port/);
      expect(message).toMatch(/DATABASE_URL: .*got "nope".*\(Postgres URL\.\)/);
      expect(message).toMatch(/ADMIN_TOKEN: .*\(Admin API token\.\)/);
      expect(message).not.toContain('short-one');
    }
  });

  it('when config is redacted, then secrets become *** and the rest is kept', () => {
    const config = loadConfig(schema, { ADMIN_TOKEN: 'a-very-secret-token' });

    expect(redactConfig(schema, config)).toMatchObject({ ADMIN_TOKEN: '***', PORT: 3000 });
  });

  it('when a URL in the config carries a password, then the redacted copy and the error message hide it', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'postgres://app:s3cr3t-pw@db:5432/orders' });

    const redacted = redactConfig(schema, config);

    expect(redacted.DATABASE_URL).toBe('postgres://app:***@db:5432/orders');
    expect(withoutUrlPassword('redis://:pw@cache:6379 and amqp://u:p@q/v')).toBe(
      'redis://:***@cache:6379 and amqp://u:***@q/v',
    );
    expect(withoutUrlPassword('postgres://app@db/orders')).toBe('postgres://app@db/orders');
  });

  it('when only the listening port differs between replicas, then their hashes agree', () => {
    const a = loadConfig(schema, { PORT: '8080', HOST: '10.0.0.1' });
    const b = loadConfig(schema, { PORT: '8081', HOST: '10.0.0.2' });

    expect(configHash(schema, a)).toBe(configHash(schema, b));
  });

  it('when only a secret differs between replicas, then the hashes differ and contain no part of it', () => {
    const a = loadConfig(schema, { ADMIN_TOKEN: 'a-very-secret-token' });
    const b = loadConfig(schema, { ADMIN_TOKEN: 'another-secret-token' });

    expect(configHash(schema, a)).not.toBe(configHash(schema, b));
    expect(configHash(schema, a)).toMatch(/^[0-9a-f]{12}$/);
  });

  it('when two replicas have the same config, then they report the same hash; any difference changes it', () => {
    const a = loadConfig(schema, { PORT: '8080' });
    const b = loadConfig(schema, { PORT: '8080' });
    const drifted = loadConfig(schema, { PORT: '8080', BODY_LIMIT_BYTES: '2048' });

    expect(configHash(schema, a)).toBe(configHash(schema, b));
    expect(configHash(schema, drifted)).not.toBe(configHash(schema, a));
  });
});
