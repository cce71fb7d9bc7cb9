import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { PLATFORM_SERVICES } from '@rc/testing';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { serviceGenerator } from '../src/generators/service/generator';
import {
  HAND_DEFINED_KEY_EXCEPTIONS,
  serviceShapeProblems,
  type ServiceSources,
} from '../src/service-shape';

const ROOT = join(__dirname, '..', '..');

/** Every file under `dir` (relative to `base`) with its text. */
function readSources(base: string, dir = 'src', out = new Map<string, string>()): ServiceSources {
  for (const entry of readdirSync(join(base, dir))) {
    const path = `${dir}/${entry}`;
    if (statSync(join(base, path)).isDirectory()) readSources(base, path, out);
    else out.set(path, readFileSync(join(base, path), 'utf8'));
  }
  return out;
}

/** The files the generator writes under `src/` of `services/<name>`, from a virtual workspace. */
function generatedSources(tree: Tree, name: string): ServiceSources {
  const root = `services/${name}`;
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const child of tree.children(dir)) {
      const path = `${dir}/${child}`;
      if (tree.isFile(path)) out.set(path.slice(root.length + 1), tree.read(path, 'utf8') ?? '');
      else walk(path);
    }
  };
  walk(`${root}/src`);
  return out;
}

describe('the shared shape of the services', () => {
  // Where the platform lists its backend services (the e2e harness, npm start): a service added
  // there is checked here without another list to keep.
  const names = PLATFORM_SERVICES.map((s) => s.name);

  it('when the platform lists its services, then each has a folder to read', () => {
    expect(names.length).toBeGreaterThanOrEqual(6);
    expect(names.filter((n) => !existsSync(join(ROOT, 'services', n, 'src')))).toEqual([]);
  });

  it.each(names)(
    'when the source of %s is read, then it boots, protects, configures and runs background work the shared way',
    (name) => {
      const sources = readSources(join(ROOT, 'services', name));

      expect(serviceShapeProblems(name, sources)).toEqual([]);
    },
  );

  it.each(['postgres', 'redis', 'none'] as const)(
    'when the generator writes a service with store %s, then it has the same shape',
    async (store) => {
      // Arrange
      const tree = createTreeWithEmptyWorkspace();

      // Act
      await serviceGenerator(tree, { name: 'shape-probe', tier: 3, store, skipFormat: true });

      // Assert
      expect(serviceShapeProblems('shape-probe', generatedSources(tree, 'shape-probe'))).toEqual(
        [],
      );
    },
  );
});

describe('serviceShapeProblems', () => {
  // A service in small that has the whole shape; each test takes one part away.
  const GOOD: ReadonlyMap<string, string> = new Map([
    [
      'src/main.ts',
      "import { runService } from '@rc/platform';\nvoid runService({ module: M, schema: s });\n",
    ],
    [
      'src/demo.module.ts',
      [
        "import { inboundResilience, ResilienceModule } from '@rc/resilience/nest';",
        '@Module({ imports: [ResilienceModule.forRootAsync({ useFactory: () => inboundResilience({}) })] })',
      ].join('\n'),
    ],
    [
      'src/config/demo.config.ts',
      [
        'export const demoConfigSchema = platformConfigSchema',
        '  .extend({',
        '    NODE_ENV: serviceKeys.nodeEnv(),',
        "    REDIS_URL: serviceKeys.redisUrl('state'),",
        '    KAFKA_BROKERS: serviceKeys.kafkaBrokers(),',
        '    KAFKA_FETCH_MAX_WAIT_MS: serviceKeys.kafkaFetchMaxWaitMs(),',
        '    ...serviceKeys.kafkaSecurity(),',
        '  })',
        "  .superRefine((c, ctx) => refuseDevelopmentDefaults(c, ctx, { REDIS_URL: 'x' }));",
      ].join('\n'),
    ],
    [
      'src/demo.workers.ts',
      [
        'export const demoConsumerProvider: Provider = {',
        '  provide: BackgroundConsumer,',
        '  useFactory: (shutdown: ShutdownRegistry) => {',
        '    const consumer = new BackgroundConsumer({',
        '      create: (onFatal) => new EventConsumer({ maxWaitTimeMs: config.KAFKA_FETCH_MAX_WAIT_MS, onFatal }),',
        '    });',
        '    consumer.start();',
        "    shutdown.onShutdown('orders-consumer', () => consumer.stop());",
        '    return consumer;',
        '  },',
        '};',
      ].join('\n'),
    ],
    ['src/infrastructure/sweep.worker.ts', "this.loop = new BackgroundLoop({ name: 'sweep' });"],
  ]);
  const without = (path: string, text: string | undefined) => {
    const copy = new Map(GOOD);
    if (text === undefined) copy.delete(path);
    else copy.set(path, text);
    return copy;
  };

  it('when a service has the whole shape, then there is no problem', () => {
    expect(serviceShapeProblems('demo', GOOD)).toEqual([]);
  });

  it('when main.ts boots the app itself, then both the missing helper and NestFactory are named', () => {
    const sources = without('src/main.ts', 'const app = await NestFactory.create(M);');

    expect(serviceShapeProblems('demo', sources)).toEqual([
      "src/main.ts: does not boot with runService() from '@rc/platform'",
      'src/main.ts: creates the Nest application itself (NestFactory); runService() does',
    ]);
  });

  it('when main.ts imports a Nest package before the platform, then the order is named', () => {
    const sources = without(
      'src/main.ts',
      "import { Logger } from '@nestjs/common';\nimport { runService } from '@rc/platform';\nvoid runService({ module: M, schema: s });\n",
    );

    expect(serviceShapeProblems('demo', sources)).toEqual([
      "src/main.ts: imports a Nest package before '@rc/platform' (the platform loads @nestjs/common first: bootstrap/nest-common-preload)",
    ]);
  });

  it('when the module builds its options by hand, then inboundResilience and the own limiter are named', () => {
    const sources = without(
      'src/demo.module.ts',
      'ResilienceModule.forRootAsync({ useFactory: () => ({ limiter: new AdaptiveConcurrencyLimiter({}) }) })',
    );

    expect(serviceShapeProblems('demo', sources)).toEqual([
      "src/demo.module.ts: does not build its ResilienceModule options with inboundResilience() from '@rc/resilience/nest'",
      'src/demo.module.ts: builds its own AdaptiveConcurrencyLimiter; inboundResilience() makes the inbound one (state only what differs)',
    ]);
  });

  it('when the config defines a platform key by hand or leaves out the Kafka security keys, then each is named', () => {
    const config = GOOD.get('src/config/demo.config.ts')!
      .replace("serviceKeys.redisUrl('state')", 'z.string().url()')
      .replace('    ...serviceKeys.kafkaSecurity(),\n', '');

    expect(serviceShapeProblems('demo', without('src/config/demo.config.ts', config))).toEqual([
      'src/config/demo.config.ts: REDIS_URL is defined by hand; use serviceKeys.redisUrl()',
      'src/config/demo.config.ts: the Kafka TLS/SASL keys are missing (...serviceKeys.kafkaSecurity())',
    ]);
  });

  it('when a consumer runs without BackgroundConsumer or a worker without BackgroundLoop, then each is named', () => {
    const sources = without(
      'src/demo.workers.ts',
      "const consumer = new EventConsumer({ maxWaitTimeMs: config.KAFKA_FETCH_MAX_WAIT_MS });\nvoid consumer.start();\nshutdown.onShutdown('c', () => consumer.stop());",
    );
    sources.set('src/infrastructure/sweep.worker.ts', 'setInterval(() => sweep(), 1000);');

    expect(serviceShapeProblems('demo', sources)).toEqual([
      "runs a Kafka consumer without BackgroundConsumer from '@rc/messaging' (it ensures the topics, retries the start with backoff while the service serves, and exits on a fatal error)",
      "src/infrastructure/sweep.worker.ts: a periodic worker not run by BackgroundLoop from '@rc/platform'",
    ]);
  });

  it.each([
    [
      'src/config/demo.config.ts',
      '    KAFKA_FETCH_MAX_WAIT_MS: serviceKeys.kafkaFetchMaxWaitMs(),\n',
      '',
      'src/config/demo.config.ts: runs a Kafka consumer without KAFKA_FETCH_MAX_WAIT_MS (serviceKeys.kafkaFetchMaxWaitMs())',
    ],
    [
      'src/demo.workers.ts',
      'maxWaitTimeMs: config.KAFKA_FETCH_MAX_WAIT_MS',
      'maxWaitTimeMs: 1_000',
      'runs a Kafka consumer whose fetch wait is not its KAFKA_FETCH_MAX_WAIT_MS (maxWaitTimeMs: config.KAFKA_FETCH_MAX_WAIT_MS)',
    ],
  ])(
    "when a consumer's fetch wait is not KAFKA_FETCH_MAX_WAIT_MS (%s changed), then what is missing is named",
    (path, from, to, problem) => {
      const changed = GOOD.get(path)!.replace(from, to);

      expect(serviceShapeProblems('demo', without(path, changed))).toEqual([problem]);
    },
  );

  it('when background work is started without registering its stop, then the file is named', () => {
    const sources = without(
      'src/demo.workers.ts',
      'export const relayProvider = { provide: OutboxRelay, useFactory: () => new OutboxRelay({}).start() };',
    );

    expect(serviceShapeProblems('demo', sources)).toEqual([
      'src/demo.workers.ts: starts background work without registering its stop (ShutdownRegistry.onShutdown)',
    ]);
  });

  it('when background work is started from a lifecycle hook instead of its provider, then both are named', () => {
    // Arrange: the shape inventory and payment had, a Workers class starting on bootstrap.
    const sources = without(
      'src/demo.workers.ts',
      [
        '@Injectable()',
        'export class DemoWorkers implements OnApplicationBootstrap {',
        '  onApplicationBootstrap(): void {',
        '    const sweeper = new SweepWorker(this.sweep, {});',
        '    sweeper.start();',
        "    this.shutdown.onShutdown('sweep-worker', () => sweeper.stop());",
        '  }',
        '}',
      ].join('\n'),
    );

    // Act + Assert
    expect(serviceShapeProblems('demo', sources)).toEqual([
      "src/demo.workers.ts: has a Nest lifecycle hook (onApplicationBootstrap); background work starts in its provider's factory, nowhere else",
      'src/demo.workers.ts: builds a SweepWorker outside its provider ({ provide: SweepWorker, useFactory }), the one place background work starts',
    ]);
  });

  it("when a service exits on a consumer's fatal error by hand, then the file is named", () => {
    const workers = GOOD.get('src/demo.workers.ts')!.replace(
      'onFatal }),',
      'onFatal: () => process.exit(1) }),',
    );

    expect(serviceShapeProblems('demo', without('src/demo.workers.ts', workers))).toEqual([
      "src/demo.workers.ts: ends the process itself (process.exit); BackgroundConsumer exits on a consumer's fatal error, runService on bad config",
    ]);
  });

  it('when a listed departure is gone, then the stale entry is named', () => {
    // Arrange: the whole shape, with DATABASE_POOL_MAX listed as still defined by hand.
    const exceptions = { demo: ['DATABASE_POOL_MAX'] };

    // Act + Assert
    expect(serviceShapeProblems('demo', GOOD, exceptions)).toEqual([
      'src/config/demo.config.ts: DATABASE_POOL_MAX is no longer defined by hand: remove it from HAND_DEFINED_KEY_EXCEPTIONS.demo',
    ]);
  });

  it('when no service defines a platform key by hand, then the list of departures is empty', () => {
    expect(HAND_DEFINED_KEY_EXCEPTIONS).toEqual({});
  });
});
