import { standInServiceRoot } from '../test/support/stand-in-service';
import { closedPort } from './closed-port';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { PLATFORM_SERVICES } from './platform-services';
import {
  SERVICE_NODE_OPTIONS,
  ServiceProcess,
  serviceEntry,
  serviceNodeOptions,
} from './service-process';

// A stand-in service: a real process that becomes ready after a short delay, logs its signals.
const FAKE_MAIN = `
const http = require('node:http');
const started = Date.now();
const server = http.createServer((req, res) => {
  if (req.url === '/health/ready') { res.statusCode = Date.now() - started > 300 ? 200 : 503; }
  res.end();
});
server.listen(Number(process.env.PORT), process.env.HOST, () => console.log('listening', process.env.GREETING));
process.on('SIGTERM', () => { console.log('got SIGTERM'); server.close(() => process.exit(0)); });
`;

describe('ServiceProcess', () => {
  let root: string;
  let remove: () => void;

  beforeEach(() => {
    ({ root, remove } = standInServiceRoot('fake', FAKE_MAIN));
  });

  afterEach(() => remove());

  it('when started, then it resolves only once /health/ready answers 200, and stops on SIGTERM', async () => {
    const svc = new ServiceProcess({
      name: 'fake',
      root,
      port: await closedPort(),
      env: { GREETING: 'hi' },
    });

    await svc.start();
    const ready = await fetch(`${svc.url}/health/ready`);
    const code = await svc.stop();

    expect(ready.status).toBe(200);
    expect(code).toBe(0);
    expect(svc.running).toBe(false);
    const log = readFileSync(join(root, 'reports', 'logs', 'fake.log'), 'utf8');
    expect(log).toContain('listening hi');
    expect(log).toContain('got SIGTERM');
  });

  it('when the process exits during start-up, then start rejects naming the log file', async () => {
    writeFileSync(join(root, 'services', 'fake', 'dist', 'main.js'), 'process.exit(3)');
    const svc = new ServiceProcess({ name: 'fake', root, port: await closedPort() });

    await expect(svc.start()).rejects.toThrow(
      /fake exited during start-up \(code 3\); see .*fake\.log/,
    );
  });

  it('when the script its package.json names is not built, then start rejects before spawning', async () => {
    writeFileSync(
      join(root, 'services', 'fake', 'package.json'),
      JSON.stringify({ main: './dist/bundle/main.js' }),
    );
    const svc = new ServiceProcess({ name: 'fake', root, port: await closedPort() });

    await expect(svc.start()).rejects.toThrow(
      /fake: .*services\/fake\/dist\/bundle\/main\.js is missing; build first/,
    );
    expect(svc.running).toBe(false);
  });

  it('when killed, then the process is gone without a graceful shutdown', async () => {
    const svc = new ServiceProcess({ name: 'fake', root, port: await closedPort() });
    await svc.start();

    await svc.kill();

    expect(svc.running).toBe(false);
    await expect(fetch(`${svc.url}/health/ready`)).rejects.toThrow();
    expect(readFileSync(join(root, 'reports', 'logs', 'fake.log'), 'utf8')).not.toContain(
      'got SIGTERM',
    );
  });

  it('when started with a niceness, then the process runs at that CPU priority', async () => {
    const svc = new ServiceProcess({ name: 'fake', root, port: await closedPort(), niceness: 7 });
    await svc.start();
    try {
      expect(getPriority(svc.pid)).toBe(7);
    } finally {
      await svc.stop();
    }
  });
  it("when started, then it runs with the service V8 flags and two malloc arenas, and the caller's NODE_OPTIONS win", async () => {
    const heapMain = `${FAKE_MAIN}
const v8 = require('node:v8');
console.log('heap', JSON.stringify({
  oldSpaceMiB: v8.getHeapStatistics().heap_size_limit / 1048576,
  nodeOptions: process.env.NODE_OPTIONS,
  arenas: process.env.MALLOC_ARENA_MAX,
}));`;
    writeFileSync(join(root, 'services', 'fake', 'dist', 'main.js'), heapMain);
    const logFile = join(root, 'heap.log');
    const svc = new ServiceProcess({
      name: 'fake',
      root,
      port: await closedPort(),
      env: { NODE_OPTIONS: '--max-old-space-size=128' },
      logFile,
    });

    await svc.start();
    await svc.stop();

    const line = readFileSync(logFile, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('heap '));
    const seen = JSON.parse(line!.slice('heap '.length)) as {
      oldSpaceMiB: number;
      nodeOptions: string;
      arenas: string;
    };
    expect(seen.nodeOptions).toBe(`${SERVICE_NODE_OPTIONS} --max-old-space-size=128`);
    // 128 MiB of old space plus three 16 MiB semi-spaces of young generation.
    expect(seen.oldSpaceMiB).toBe(128 + 3 * 16);
    expect(seen.arenas).toBe('2');
  });

  it('when no NODE_OPTIONS are given, then the service flags alone are used', () => {
    expect(serviceNodeOptions(undefined)).toBe(SERVICE_NODE_OPTIONS);
    expect(serviceNodeOptions(' ')).toBe(SERVICE_NODE_OPTIONS);
  });
});

describe('serviceEntry', () => {
  const repository = join(__dirname, '..', '..', '..');

  it('when asked for a backend service of this repository, then it is the bundle its build writes', () => {
    for (const { name } of PLATFORM_SERVICES)
      expect(serviceEntry(repository, name)).toBe(
        join(repository, 'services', name, 'dist', 'bundle', 'main.js'),
      );
  });

  it('when the package.json is missing or names no main, then it throws naming the file', () => {
    const { root, remove } = standInServiceRoot('fake', '');
    try {
      writeFileSync(join(root, 'services', 'fake', 'package.json'), '{"name":"fake"}');
      expect(() => serviceEntry(root, 'fake')).toThrow(/fake: .*package\.json names no "main"/);
      rmSync(join(root, 'services', 'fake', 'package.json'));
      expect(() => serviceEntry(root, 'fake')).toThrow(/fake: cannot read .*package\.json/);
    } finally {
      remove();
    }
  });
});
