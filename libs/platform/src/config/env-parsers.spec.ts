import { z } from 'zod';
import { ConfigError, loadConfig } from './load-config';
import { commaList, envInt, jsonText } from './env-parsers';

const schema = z.object({
  BROKERS: commaList.default(['a:1']),
  RULES: jsonText.default([]),
  RETRIES: envInt(1, 5).default(3),
});

describe('environment parsers', () => {
  it('when values are set, then lists are split and trimmed, JSON parsed and integers coerced', () => {
    const config = loadConfig(schema, {
      BROKERS: ' a:1, b:2 ,,',
      RULES: '[{"id":1}]',
      RETRIES: '4',
    });

    expect(config).toEqual({ BROKERS: ['a:1', 'b:2'], RULES: [{ id: 1 }], RETRIES: 4 });
  });

  it('when JSON is invalid or an integer out of range, then the error names the key', () => {
    const load = () => loadConfig(schema, { RULES: '{nope', RETRIES: '9' });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/RULES: must be valid JSON/);
    expect(load).toThrow(/RETRIES: /);
  });
});
