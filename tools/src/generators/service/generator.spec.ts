import { logger, readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parse } from 'yaml';
import {
  addPlatformService,
  addServiceDatabase,
  COMPOSE_INIT_DATABASES,
  COMPOSE_SERVICE_DATABASES,
  ENV_EXAMPLE,
  INFRA_SCRIPT,
  type NormalizedServiceOptions,
  PLATFORM_SERVICES_FILE,
  SERVICE_DOCKERFILE,
  serviceGenerator,
} from './generator';
import type { ServiceGeneratorSchema } from './schema';

/** Every file of `services/<name>`, relative to it, sorted. */
function filesUnder(tree: Tree, root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const child of tree.children(dir)) {
      const path = `${dir}/${child}`;
      if (tree.isFile(path)) found.push(path.slice(root.length + 1));
      else walk(path);
    }
  };
  walk(root);
  return found.sort();
}

/** The files every generated service has, whatever its store. */
const COMMON_FILES = [
  'README.md',
  'jest.config.js',
  'package.json',
  'src/api/loyalty-points.controller.spec.ts',
  'src/api/loyalty-points.controller.ts',
  'src/api/loyalty-points.dto.ts',
  'src/api/order-placed.handler.ts',
  'src/application/get-status.query.spec.ts',
  'src/application/get-status.query.ts',
  'src/application/record-order.command.ts',
  'src/config/loyalty-points.config.spec.ts',
  'src/config/loyalty-points.config.ts',
  'src/domain/seen-orders.port.ts',
  'src/domain/upstream.port.ts',
  'src/infrastructure/loyalty-points-infrastructure.module.ts',
  'src/infrastructure/loyalty-points.tokens.ts',
  'src/infrastructure/upstream.http-adapter.ts',
  'src/loyalty-points.module.ts',
  'src/loyalty-points.workers.ts',
  'src/main.ts',
  'test/integration/loyalty-points-http.int-spec.ts',
  'tsconfig.build.json',
  'tsconfig.json',
];

const STORE_FILES = {
  postgres: [
    'migrations/001_seen_orders.sql',
    'src/infrastructure/loyalty-points.migrations.ts',
    'src/infrastructure/seen-orders.pg-store.ts',
  ],
  redis: ['src/infrastructure/seen-orders.redis-store.ts'],
  none: [
    'src/infrastructure/seen-orders.memory-store.spec.ts',
    'src/infrastructure/seen-orders.memory-store.ts',
  ],
} as const;

const generate = (tree: Tree, options: Partial<ServiceGeneratorSchema>) =>
  serviceGenerator(tree, { name: 'loyalty-points', tier: 2, skipFormat: true, ...options });

describe('service generator', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it.each(['postgres', 'redis', 'none'] as const)(
    'when the store is %s, then services/<name> gets the common files and only that store’s',
    async (store) => {
      // Act
      await generate(tree, { store });

      // Assert
      expect(filesUnder(tree, 'services/loyalty-points')).toEqual(
        [...COMMON_FILES, ...STORE_FILES[store]].sort(),
      );
    },
  );

  it('when generated, then the package is an Nx service project with the usual targets', async () => {
    // Act
    await generate(tree, { store: 'postgres' });

    // Assert
    const pkg = readJson(tree, 'services/loyalty-points/package.json');
    expect(pkg.name).toBe('@rc/loyalty-points-service');
    expect(pkg.nx).toEqual({ name: 'loyalty-points', tags: ['scope:service', 'type:app'] });
    expect(Object.keys(pkg.scripts)).toEqual([
      'build',
      'typecheck',
      'lint',
      'test',
      'test-int',
      'test-e2e',
    ]);
    expect(pkg.scripts.test).toContain('../../reports/jest/unit/loyalty-points.json');
    expect(pkg.dependencies).toHaveProperty('pg');
    expect(readJson(tree, 'services/loyalty-points/tsconfig.build.json').references).toContainEqual(
      { path: '../../libs/platform/tsconfig.build.json' },
    );
  });

  it.each([
    [1, 'CRITICAL'],
    [2, 'DEGRADED'],
    [3, 'SHEDDABLE'],
    [4, 'SHEDDABLE'],
  ])('when the tier is %d, then the routes are shed as %s', async (tier, criticality) => {
    // Act
    await generate(tree, { tier });

    // Assert
    const config = tree.read('services/loyalty-points/src/config/loyalty-points.config.ts', 'utf8');
    expect(config).toContain(`export const SERVICE_TIER = ${tier};`);
    expect(config).toContain(`export const SERVICE_CRITICALITY: Criticality = '${criticality}';`);
  });

  it('when the store is postgres, then the database, idempotency store and inbox are wired', async () => {
    // Act
    await generate(tree, { store: 'postgres' });

    // Assert
    const root = 'services/loyalty-points/src';
    const read = (path: string) => tree.read(`${root}/${path}`, 'utf8') ?? '';
    expect(read('config/loyalty-points.config.ts')).toContain(
      "serviceKeys.databaseUrl(\n      'rc_loyalty_points'",
    );
    expect(read('loyalty-points.module.ts')).toContain('idempotencyStore: {\n      pool,');
    expect(read('infrastructure/loyalty-points-infrastructure.module.ts')).toContain(
      'pgPoolProvider<LoyaltyPointsConfig>',
    );
    expect(read('infrastructure/seen-orders.pg-store.ts')).toContain('inbox.runOnce(');
  });

  it.each(['postgres', 'redis', 'none'] as const)(
    'when the store is %s, then the Kafka TLS/SASL keys are in the schema, checked, and reach the client',
    async (store) => {
      // Act
      await generate(tree, { store });

      // Assert
      const root = 'services/loyalty-points/src';
      const config = tree.read(`${root}/config/loyalty-points.config.ts`, 'utf8') ?? '';
      const infrastructure =
        tree.read(`${root}/infrastructure/loyalty-points-infrastructure.module.ts`, 'utf8') ?? '';
      expect(config).toContain('    ...serviceKeys.kafkaSecurity(),\n');
      expect(config).toContain('    refuseInvalidKafkaSecurity(config, ctx);\n');
      expect(infrastructure).toMatch(
        /createKafka\(\{\n\s+clientId: config\.SERVICE_NAME,\n\s+brokers: config\.KAFKA_BROKERS,\n\s+security: kafkaSecurityFromConfig\(config\),/,
      );
    },
  );

  it.each(['redis', 'none'] as const)(
    'when the store is %s, then nothing refers to Postgres',
    async (store) => {
      // Act
      await generate(tree, { store });

      // Assert
      const sources = filesUnder(tree, 'services/loyalty-points')
        .filter((path) => !path.endsWith('.md'))
        .map((path) => tree.read(`services/loyalty-points/${path}`, 'utf8') ?? '');
      expect(
        sources.filter((text) => /\bpg\b|Postgres|DATABASE_URL|Idempotency/.test(text)),
      ).toEqual([]);
    },
  );

  it('when the store is redis, then Redis is a readiness dependency', async () => {
    // Act
    await generate(tree, { store: 'redis' });

    // Assert
    expect(
      tree.read(
        'services/loyalty-points/src/infrastructure/loyalty-points-infrastructure.module.ts',
        'utf8',
      ),
    ).toContain("health.register('redis', redisCheck(redis));");
  });

  it('when no template marker is left, then every file was rendered', async () => {
    // Act
    await generate(tree, { store: 'postgres' });

    // Assert
    const leftovers = filesUnder(tree, 'services/loyalty-points').filter((path) =>
      /<%|%>|__\w+__/.test(path + (tree.read(`services/loyalty-points/${path}`, 'utf8') ?? '')),
    );
    expect(leftovers).toEqual([]);
  });

  it.each([
    ['Loyalty', /service name "Loyalty" is not allowed: use kebab-case/],
    ['2fa', /service name "2fa" is not allowed/],
    ['loyalty--points', /service name "loyalty--points" is not allowed/],
    ['loyalty_points', /service name "loyalty_points" is not allowed/],
    ['', /service name "" is not allowed/],
    ['tools', /service name "tools" is reserved/],
  ])('when the name is %j, then it is refused with a clear message', async (name, message) => {
    await expect(generate(tree, { name })).rejects.toThrow(message);
    expect(tree.exists('services')).toBe(false);
  });

  it.each([0, 5, 2.5, Number.NaN])(
    'when the tier is %s, then it is refused naming the allowed tiers',
    async (tier) => {
      await expect(generate(tree, { tier })).rejects.toThrow(/--tier must be 1, 2, 3 or 4/);
      expect(tree.exists('services')).toBe(false);
    },
  );

  it('when the store is unknown, then it is refused naming the allowed stores', async () => {
    await expect(
      generate(tree, { store: 'mongo' as ServiceGeneratorSchema['store'] }),
    ).rejects.toThrow(/--store must be one of postgres, redis, none \(got "mongo"\)/);
  });

  it('when the service folder already exists, then it is refused and nothing is overwritten', async () => {
    // Arrange
    tree.write('services/loyalty-points/README.md', 'mine');

    // Act + Assert
    await expect(generate(tree, {})).rejects.toThrow(
      /services\/loyalty-points already exists: a service named "loyalty-points" is already there/,
    );
    expect(tree.read('services/loyalty-points/README.md', 'utf8')).toBe('mine');
  });

  it('when an Nx project already has the name elsewhere, then it is refused', async () => {
    // Arrange
    tree.write(
      'libs/loyalty-points/project.json',
      JSON.stringify({ name: 'loyalty-points', root: 'libs/loyalty-points' }),
    );

    // Act + Assert
    await expect(generate(tree, {})).rejects.toThrow(
      /an Nx project named "loyalty-points" already exists/,
    );
  });
  describe('docker-compose.yml', () => {
    // The platform's Compose file in small: anchors the entries merge, one service, the
    // observability section after the services.
    const COMPOSE = `x-platform-env: &platform-env
  NODE_ENV: production
x-service: &service
  restart: unless-stopped
x-infra-ready: &infra-ready
  kafka: { condition: service_healthy }
x-redis-env: &redis-env
  REDIS_URL: redis://redis:6379
services:
  kafka:
    image: apache/kafka:4.1.0
  cart:
    <<: *service
    image: rc/cart:local

  # ------------------------------------------------------------------ observability profile
  jaeger:
    image: jaegertracing/jaeger:2
volumes:
  kafka-data:
`;
    const services = () =>
      (
        parse(tree.read('docker-compose.yml', 'utf8') ?? '', { merge: true }) as {
          services: Record<string, Record<string, unknown>>;
        }
      ).services;

    beforeEach(() => tree.write('docker-compose.yml', COMPOSE));

    it('when generated, then the service gets an entry built from the shared Dockerfile and no Dockerfile of its own', async () => {
      // Act
      await generate(tree, { store: 'postgres', tier: 1, port: 3020 });

      // Assert
      const entry = services()['loyalty-points']!;
      expect(entry.build).toEqual({
        context: '.',
        dockerfile: SERVICE_DOCKERFILE,
        args: { SERVICE: 'loyalty-points', PORT: 3020 },
      });
      expect(entry.ports).toEqual(['127.0.0.1:3020:3020', '127.0.0.1:4020:4020']);
      expect(entry.environment).toMatchObject({
        NODE_ENV: 'production',
        REDIS_URL: 'redis://redis:6379',
        SERVICE_NAME: 'loyalty-points',
        PORT: 3020,
      });
      expect(String((entry.environment as Record<string, string>).DATABASE_URL)).toMatch(
        /^postgres:\/\/rc_loyalty_points:\$\{RC_PG_LOYALTY_POINTS_PASSWORD:\?.*@postgres:5432\/rc_loyalty_points$/,
      );
      expect(entry).toMatchObject({ restart: 'unless-stopped', cpu_shares: 1024 });
      expect(Object.keys(services())).toEqual(['kafka', 'cart', 'loyalty-points', 'jaeger']);
      expect(tree.exists('services/loyalty-points/Dockerfile')).toBe(false);
    });

    it('when the service is generated outside services/, then docker-compose.yml is left alone', async () => {
      // Act
      await generate(tree, { directory: 'tools/.generated/run-1' });

      // Assert
      expect(tree.read('docker-compose.yml', 'utf8')).toBe(COMPOSE);
    });

    it('when docker-compose.yml already has a service of that name, then it is refused and nothing is written', async () => {
      // Act + Assert
      await expect(generate(tree, { name: 'cart' })).rejects.toThrow(
        /docker-compose.yml already has a service "cart"/,
      );
      expect(tree.exists('services/cart')).toBe(false);
      expect(tree.read('docker-compose.yml', 'utf8')).toBe(COMPOSE);
    });
  });

  describe('where the platform lists its services', () => {
    // Each shared file in small, in the format of the workspace's copy.
    const SEEDS: Record<string, string> = {
      [PLATFORM_SERVICES_FILE]: `export interface PlatformService {
  name: 'checkout' | 'cart';
  port: number;
  tier: 1 | 2 | 3 | 4;
}

export const PLATFORM_SERVICES: readonly PlatformService[] = [
  { name: 'cart', port: 3001, tier: 2 },
  { name: 'checkout', port: 3000, tier: 1 },
];

export const TIER_NICENESS = { 1: 0, 2: 3, 3: 8, 4: 12 };
`,
      [INFRA_SCRIPT]: `#!/usr/bin/env bash
SERVICE_DATABASES=(rc_checkout rc_payment)
TEST_DATABASE=rc_test
`,
      [COMPOSE_INIT_DATABASES]: `#!/bin/sh
psql -X -q -v ON_ERROR_STOP=1 -d postgres <<'SQL'
CREATE DATABASE rc_checkout;
CREATE DATABASE rc_payment;
SQL
sh /rc-init/service-databases.sh
if [ "\${RC_TEST_DATABASE:-}" = "true" ]; then
  psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE rc_test'
fi
`,
      [COMPOSE_SERVICE_DATABASES]: `#!/bin/sh
for service in checkout payment; do
  var="RC_PG_$(printf '%s' "$service" | tr '[:lower:]' '[:upper:]')_PASSWORD"
done
`,
      [ENV_EXAMPLE]: `RC_POSTGRES_PASSWORD=
# Passwords of the services' own database roles.
RC_PG_CHECKOUT_PASSWORD=
RC_PG_PAYMENT_PASSWORD=
# Checkout's service-token key pair.
RC_CHECKOUT_SERVICE_TOKEN_KEY=
`,
    };
    /** What each shared file reads after the generator added loyalty-points (tier 3, port 3020). */
    const REGISTERED: Record<string, string> = {
      [PLATFORM_SERVICES_FILE]: SEEDS[PLATFORM_SERVICES_FILE]!.replace(
        "'checkout' | 'cart';",
        "'checkout' | 'cart' | 'loyalty-points';",
      ).replace(
        "{ name: 'checkout', port: 3000, tier: 1 },\n",
        "{ name: 'checkout', port: 3000, tier: 1 },\n  { name: 'loyalty-points', port: 3020, tier: 3 },\n",
      ),
      [INFRA_SCRIPT]: SEEDS[INFRA_SCRIPT]!.replace(
        '(rc_checkout rc_payment)',
        '(rc_checkout rc_payment rc_loyalty_points)',
      ),
      [COMPOSE_INIT_DATABASES]: SEEDS[COMPOSE_INIT_DATABASES]!.replace(
        'CREATE DATABASE rc_payment;\n',
        'CREATE DATABASE rc_payment;\nCREATE DATABASE rc_loyalty_points;\n',
      ),
      [COMPOSE_SERVICE_DATABASES]: SEEDS[COMPOSE_SERVICE_DATABASES]!.replace(
        'checkout payment;',
        'checkout payment loyalty_points;',
      ),
      [ENV_EXAMPLE]: SEEDS[ENV_EXAMPLE]!.replace(
        'RC_PG_PAYMENT_PASSWORD=\n',
        'RC_PG_PAYMENT_PASSWORD=\nRC_PG_LOYALTY_POINTS_PASSWORD=\n',
      ),
    };
    const DATABASE_FILES = [
      INFRA_SCRIPT,
      COMPOSE_INIT_DATABASES,
      COMPOSE_SERVICE_DATABASES,
      ENV_EXAMPLE,
    ];
    const read = (path: string) => tree.read(path, 'utf8');

    beforeEach(() => {
      for (const [path, text] of Object.entries(SEEDS)) tree.write(path, text);
    });

    it('when the store is postgres, then each list gets exactly the new service', async () => {
      // Act
      await generate(tree, { store: 'postgres', tier: 3, port: 3020 });

      // Assert
      for (const path of Object.keys(SEEDS))
        expect([path, read(path)]).toEqual([path, REGISTERED[path]]);
    });

    it.each(['redis', 'none'] as const)(
      'when the store is %s, then only PLATFORM_SERVICES gets it (no database)',
      async (store) => {
        // Act
        await generate(tree, { store, tier: 3, port: 3020 });

        // Assert
        expect(read(PLATFORM_SERVICES_FILE)).toBe(REGISTERED[PLATFORM_SERVICES_FILE]);
        for (const path of DATABASE_FILES) expect([path, read(path)]).toEqual([path, SEEDS[path]]);
      },
    );

    it('when the service is generated outside services/, then no list is touched', async () => {
      // Act
      await generate(tree, { store: 'postgres', directory: 'tools/.generated/run-1' });

      // Assert
      for (const path of Object.keys(SEEDS))
        expect([path, read(path)]).toEqual([path, SEEDS[path]]);
    });

    it('when a service is registered twice, then each list has it once', async () => {
      // Arrange
      const options: NormalizedServiceOptions = {
        name: 'loyalty-points',
        tier: 3,
        store: 'postgres',
        port: 3020,
        projectRoot: 'services/loyalty-points',
        skipFormat: true,
      };

      // Act
      for (let i = 0; i < 2; i++) {
        addPlatformService(tree, options);
        addServiceDatabase(tree, options);
      }

      // Assert
      for (const path of Object.keys(SEEDS))
        expect([path, read(path)]).toEqual([path, REGISTERED[path]]);
    });

    it('when a list is not where it is expected, then that file is left alone and the service is made', async () => {
      // Arrange
      const moved = 'SERVICE_DATABASES="rc_checkout rc_payment"\n';
      tree.write(INFRA_SCRIPT, moved);
      tree.delete(ENV_EXAMPLE);
      const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);

      // Act
      await generate(tree, { store: 'postgres', tier: 3, port: 3020 });

      // Assert
      expect(tree.exists('services/loyalty-points/package.json')).toBe(true);
      expect(read(INFRA_SCRIPT)).toBe(moved);
      expect(tree.exists(ENV_EXAMPLE)).toBe(false);
      expect(read(COMPOSE_INIT_DATABASES)).toBe(REGISTERED[COMPOSE_INIT_DATABASES]);
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining(`${INFRA_SCRIPT}: SERVICE_DATABASES`),
      );
      warn.mockRestore();
    });
  });
});
