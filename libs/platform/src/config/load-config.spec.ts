import { z } from 'zod';
import { platformConfigSchema, secret } from './config-schema';
import { ConfigError, configHash, loadConfig, redactConfig } from './load-config';

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

  it('when two replicas have the same config, then they report the same hash; any difference changes it', () => {
    const a = loadConfig(schema, { PORT: '8080' });
    const b = loadConfig(schema, { PORT: '8080' });
    const drifted = loadConfig(schema, { PORT: '8080', BODY_LIMIT_BYTES: '2048' });

    expect(configHash(schema, a)).toBe(configHash(schema, b));
    expect(configHash(schema, drifted)).not.toBe(configHash(schema, a));
  });
});
