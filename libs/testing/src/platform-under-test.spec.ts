import { standInServiceRoot } from '../test/support/stand-in-service';
import { closedPort } from './closed-port';
import { PlatformUnderTest } from './platform-under-test';

// A stand-in checkout: a real process that is ready at once and shows its pid and environment.
const FAKE_MAIN = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  if (req.url === '/env') {
    const { LOG_LEVEL, INVENTORY_URL, KAFKA_FETCH_MAX_WAIT_MS, FEATURE } = process.env;
    return res.end(
      JSON.stringify({ pid: process.pid, LOG_LEVEL, INVENTORY_URL, KAFKA_FETCH_MAX_WAIT_MS, FEATURE }),
    );
  }
  res.end();
});
server.listen(Number(process.env.PORT), process.env.HOST);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

describe('PlatformUnderTest', () => {
  let root: string;
  let remove: () => void;

  beforeEach(() => {
    ({ root, remove } = standInServiceRoot('checkout', FAKE_MAIN));
  });

  afterEach(() => remove());

  it('when a service is restarted with extra environment, then a new process serves the same port with the defaults, the run options and the extra', async () => {
    const portBase = await closedPort();
    const platform = new PlatformUnderTest({
      root,
      portBase,
      only: ['checkout'],
      env: { checkout: { LOG_LEVEL: 'warn' } },
      // A stand-in process that touches no shared database: no platform lock (no Postgres).
      exclusive: false,
    });
    const env = async () =>
      (await (await fetch(`${platform.url('checkout')}/env`)).json()) as Record<string, unknown>;
    await platform.start();
    try {
      const before = await env();

      await platform.restartWith('checkout', { FEATURE: 'off' });
      const after = await env();

      expect(before.LOG_LEVEL).toBe('warn');
      expect(before).not.toHaveProperty('FEATURE');
      expect(after).toMatchObject({
        LOG_LEVEL: 'warn',
        INVENTORY_URL: `http://127.0.0.1:${portBase + 3}`,
        // Consumers stop within a 1 s fetch, not the services' 5 s default.
        KAFKA_FETCH_MAX_WAIT_MS: '1000',
        FEATURE: 'off',
      });
      expect(after.pid).not.toBe(before.pid);
    } finally {
      await platform.stop();
    }
  });
});
