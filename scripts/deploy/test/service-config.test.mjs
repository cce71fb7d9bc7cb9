import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  defaultPort,
  groupKeys,
  schemaKeys,
  serviceConfig,
  spreadGroupFiles,
} from '../lib/service-config.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('service-config', () => {
  it('when a schema source is read, then its upper-case keys and default PORT are found', () => {
    const text = `export const shopConfigSchema = platformConfigSchema.extend({
    PORT: int(0, 65_535).default(3_003).describe('HTTP port.'),
    DATABASE_URL: z.string().url().default('postgres://x'),
  });
export const NOT_A_KEY = 1;`;

    assert.deepEqual([...schemaKeys(text)], ['PORT', 'DATABASE_URL']);
    assert.equal(defaultPort(text), 3003);
  });

  it('when the checkout service is read, then its own and the platform keys are known and its port is 3000', () => {
    const config = serviceConfig(root, 'checkout');

    assert.ok(config);
    for (const key of [
      'INVENTORY_URL',
      'IDEMPOTENCY_FINGERPRINT_KEY',
      'OTEL_ENABLED',
      'LOG_LEVEL',
    ]) {
      assert.ok(config.keys.has(key), key);
    }
    assert.equal(config.keys.has('INVENTORY_URLS'), false);
    assert.equal(config.port, 3000);
  });

  it('when a schema spreads the Kafka security group, then its seven keys are known', () => {
    const config = serviceConfig(root, 'cart');

    assert.ok(config);
    const kafka = [...config.keys].filter((key) => /^KAFKA_(SECURITY|SASL|SSL)_/.test(key));
    assert.equal(kafka.length, 7);
    assert.ok(config.keys.has('KAFKA_SASL_PASSWORD'));
    assert.equal(config.files.at(-1), join('services', 'cart', 'src', 'config', 'cart.config.ts'));
  });

  it('when a schema spreads the customer-token group, then its three keys are known and no other key of that file', () => {
    const config = serviceConfig(root, 'cart');
    const keys = groupKeys(root, 'customerTokens');

    assert.ok(config);
    assert.deepEqual([...keys].sort(), [
      'CUSTOMER_TOKEN_AUDIENCE',
      'CUSTOMER_TOKEN_ISSUER',
      'CUSTOMER_TOKEN_PUBLIC_KEYS',
    ]);
    for (const key of keys) assert.ok(config.keys.has(key), key);
  });

  it('when a schema spreads a key group the reader does not know, then it refuses to guess', () => {
    assert.throws(
      () => spreadGroupFiles('  KAFKA_BROKERS: x,\n    ...serviceKeys.somethingNew(),\n'),
      /serviceKeys\.somethingNew\(\): unknown key group/,
    );
  });

  it('when a service has no config folder, then there is no schema', () => {
    assert.equal(serviceConfig(root, 'no-such-service'), undefined);
  });
});
