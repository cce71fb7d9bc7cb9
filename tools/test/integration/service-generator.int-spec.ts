import { createKafka, ensureTopics } from '@rc/messaging';
import {
  closedPort,
  createTestTopics,
  createThrowawayDatabase,
  deleteGroups,
  TEST_KAFKA_FETCH_MAX_WAIT_MS,
  testEnv,
  uniqueName,
  waitFor,
} from '@rc/testing';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';

// `nx g @rc/tools:service` run for real, once per store, into tools/.generated/<run>/ rather
// than services/ (so no other Nx run in the workspace meets a half-made project), then each
// generated service checked against the real libs and infrastructure: Prettier, ESLint, the type
// check, its own unit and integration tests, its build (tsc, then the bundle), and its bundle answering
// /health/ready and /metrics. The folder is removed afterwards, also when a step fails.

const root = resolve(__dirname, '..', '..', '..');
const runDir = join(root, 'tools', '.generated', uniqueName('run'));
const STEP_MS = 300_000;

/** Runs a command to its end; the result carries the output, so a failed step shows it. */
function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0', ...env },
    encoding: 'utf8',
    timeout: STEP_MS - 10_000,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  return { command: [cmd, ...args].join(' '), status: result.status, output: output.slice(-8_000) };
}

/** A TCP port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

const status = async (url: string) => (await fetch(url).catch(() => undefined))?.status;

describe('nx g @rc/tools:service (into the real workspace; real Postgres, Redis and Kafka)', () => {
  beforeAll(() => mkdirSync(runDir, { recursive: true }));
  afterAll(() => {
    rmSync(runDir, { recursive: true, force: true });
    try {
      rmdirSync(join(runDir, '..')); // only when no other run is using it
    } catch {
      // another run's folder is still there
    }
  });

  it.each([
    [
      ['payment', '--tier=1'],
      /services\/payment already exists: a service named "payment" is already there/,
    ],
    [['Payment_Svc', '--tier=1'], /service name "Payment_Svc" is not allowed: use kebab-case/],
    [['loyalty', '--tier=7'], /tier/],
  ])(
    'when nx g is given %j, then it refuses with a clear message and writes nothing',
    (args, message) => {
      // Act
      const refused = run(
        'npx',
        ['nx', 'g', '@rc/tools:service', ...args, '--no-interactive'],
        root,
      );

      // Assert
      expect(refused.status).not.toBe(0);
      expect(refused.output).toMatch(message);
      expect(existsSync(join(root, 'services', 'loyalty'))).toBe(false);
    },
    STEP_MS,
  );

  describe.each([
    ['postgres', 1],
    ['redis', 3],
    ['none', 4],
  ] as const)('--store %s --tier %d', (store, tier) => {
    const name = `gen-${store}`;
    const constant = name.toUpperCase().replace(/-/g, '_');
    const dir = join(runDir, name);
    // On failure the diff shows the command's output.
    const expectSuccess = (cmd: string, args: string[], env: Record<string, string> = {}) => {
      const result = run(cmd, args, dir, env);
      expect({ ...result, output: result.status === 0 ? '' : result.output }).toEqual({
        ...result,
        status: 0,
        output: '',
      });
    };

    it(
      'when run, then the generator writes the service',
      () => {
        // Act
        const generated = run(
          'npx',
          [
            'nx',
            'g',
            '@rc/tools:service',
            name,
            `--tier=${tier}`,
            `--store=${store}`,
            `--directory=${relative(root, runDir)}`,
            '--no-interactive',
          ],
          root,
        );

        // Assert
        expect(generated).toMatchObject({ status: 0 });
        expect(existsSync(join(dir, 'src', 'main.ts'))).toBe(true);
      },
      STEP_MS,
    );

    it(
      'when checked, then Prettier finds it formatted',
      () => {
        expectSuccess('npx', ['prettier', '--check', '.']);
      },
      STEP_MS,
    );

    it(
      'when linted, then ESLint (type-aware rules, module boundaries) passes',
      () => {
        expectSuccess('npx', ['eslint', '.']);
      },
      STEP_MS,
    );

    it(
      'when type-checked (sources and tests), then tsc passes',
      () => {
        expectSuccess('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
      },
      STEP_MS,
    );

    it(
      'when its unit tests run, then they pass',
      () => {
        expectSuccess('npx', ['jest', '--ci'], { JEST_SUITE: 'unit' });
      },
      STEP_MS,
    );

    it(
      'when its integration test runs, then it passes',
      () => {
        expectSuccess('npx', ['jest', '--ci'], { JEST_SUITE: 'int' });
      },
      STEP_MS,
    );

    it(
      'when built (npm run build: tsc, then the bundle) and started from its bundle, then /health/ready answers 200 and /metrics serves',
      async () => {
        // Arrange
        expectSuccess('npm', ['run', 'build']);
        const kafka = createKafka({
          clientId: uniqueName('gen-it'),
          brokers: testEnv().kafkaBrokers,
        });
        const { topics, remove } = await createTestTopics(kafka, ['orders'], {
          ensure: ensureTopics,
        });
        const group = uniqueName(name);
        const db = store === 'postgres' ? await createThrowawayDatabase(name) : undefined;
        const port = await freePort();
        const url = `http://127.0.0.1:${port}`;
        let output = '';
        const child = spawn(process.execPath, ['dist/bundle/main.js'], {
          cwd: dir,
          env: {
            ...process.env,
            NODE_ENV: 'development',
            PORT: String(port),
            HOST: '127.0.0.1',
            LOG_LEVEL: 'warn',
            REDIS_URL: testEnv().redisUrl,
            KAFKA_BROKERS: testEnv().kafkaBrokers.join(','),
            KAFKA_FETCH_MAX_WAIT_MS: TEST_KAFKA_FETCH_MAX_WAIT_MS,
            ...(db ? { DATABASE_URL: db.url } : {}),
            ...(store === 'redis' ? { [`${constant}_KEY_PREFIX`]: `test:${group}:` } : {}),
            [`${constant}_ORDERS_TOPIC`]: topics[0]!,
            [`${constant}_CONSUMER_GROUP`]: group,
            UPSTREAM_URL: `http://127.0.0.1:${await closedPort()}`,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        const exited = once(child, 'exit');

        try {
          // Act
          await waitFor(
            async () => child.exitCode === null && (await status(`${url}/health/ready`)) === 200,
            60_000,
            `${name} to be ready (output so far: ${output.slice(-2_000)})`,
            200,
          );
          const metrics = await fetch(`${url}/metrics`);
          const text = await metrics.text();

          // Assert
          expect(metrics.status).toBe(200);
          expect(text).toContain('http_server_requests_total');
          expect(text).toMatch(
            new RegExp(`^service_info\\{[^}]*service="${name}"[^}]*\\} 1$`, 'm'),
          );
        } finally {
          if (child.exitCode === null) child.kill('SIGTERM');
          const [code] = (await exited) as [number | null];
          await db?.drop();
          await deleteGroups(kafka, [group]).catch(() => undefined);
          await remove();
          // A graceful stop (readiness off, drain, close) exits 0.
          expect({ code, output: output.slice(-2_000) }).toMatchObject({ code: 0 });
        }
      },
      STEP_MS,
    );
  });
});
