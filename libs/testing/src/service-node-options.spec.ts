import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLATFORM_SERVICES } from './platform-services';
import { SERVICE_ENV, SERVICE_NODE_OPTIONS } from './service-process';

const ROOT = join(__dirname, '..', '..', '..');

describe('SERVICE_NODE_OPTIONS', () => {
  it.each(PLATFORM_SERVICES.map((s) => s.name))(
    "when %s's image starts, then it runs with the same V8 flags as the tests and npm start",
    (name) => {
      // Every backend service's image is built from the one shared Dockerfile (SERVICE=<name>).
      const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
      expect(compose).toContain(`args: { SERVICE: ${name},`);
      const dockerfile = readFileSync(join(ROOT, 'deploy', 'docker', 'service.Dockerfile'), 'utf8');

      const env = dockerfile.split('\n').find((line) => /^ENV .*NODE_ENV=production/.test(line));

      // `KEY=value` or `KEY="value with spaces"` on the image's ENV line.
      const valueOf = (key: string) =>
        new RegExp(`(?:^|\\s)${key}=(?:"([^"]*)"|(\\S*))`)
          .exec(env ?? '')
          ?.slice(1)
          .find((v) => v !== undefined);
      expect(valueOf('NODE_OPTIONS')).toBe(SERVICE_NODE_OPTIONS);
      for (const [key, value] of Object.entries(SERVICE_ENV)) expect(valueOf(key)).toBe(value);
    },
  );
});
