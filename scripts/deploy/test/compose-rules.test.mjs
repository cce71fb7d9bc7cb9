import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appServiceOf, composeProblems, SERVICE_DOCKERFILE } from '../lib/compose-rules.mjs';
import { endpointsIn, memoryMiB, publishedPorts } from '../lib/compose-model.mjs';

// A small but complete platform: Postgres with an init script, one workspace service built from
// services/shop/Dockerfile (whose HEALTHCHECK covers it), and an optional observability container.
function fixture() {
  return {
    services: {
      postgres: {
        image: 'postgres:17',
        volumes: [
          './init.sql:/docker-entrypoint-initdb.d/init.sql:ro',
          'pg-data:/var/lib/postgresql/data',
        ],
        healthcheck: { test: ['CMD', 'pg_isready'] },
        deploy: { resources: { limits: { memory: '512M' } } },
      },
      shop: {
        build: { context: '.', dockerfile: 'services/shop/Dockerfile' },
        ports: ['127.0.0.1:3000:3000'],
        environment: {
          PORT: 3000,
          DATABASE_URL: 'postgres://postgres@postgres:5432/rc_shop',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
          ADMIN_TOKEN: '${RC_ADMIN_TOKEN:?set RC_ADMIN_TOKEN}',
        },
        depends_on: { postgres: { condition: 'service_healthy' } },
        mem_limit: '256m',
      },
      collector: {
        profiles: ['observability'],
        image: 'otel/opentelemetry-collector-contrib:0.159.0',
        healthcheck: { test: ['CMD', '/bin/busybox', 'wget', 'http://127.0.0.1:13133/'] },
        deploy: { resources: { limits: { memory: '0.25g' } } },
      },
    },
    volumes: { 'pg-data': null },
  };
}

const repo = {
  exists: (p) => ['.', './init.sql', 'services/shop/Dockerfile'].includes(p),
  read: (p) =>
    p === './init.sql' ? 'CREATE DATABASE rc_shop;\nCREATE DATABASE rc_test;' : undefined,
  serviceConfig: (name) =>
    name === 'shop'
      ? {
          files: [
            'libs/platform/src/config/config-schema.ts',
            'services/shop/src/config/shop.config.ts',
          ],
          keys: new Set(['PORT', 'DATABASE_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'ADMIN_TOKEN']),
          port: 3000,
        }
      : undefined,
  dockerfileHealthcheck: (p) =>
    p === 'services/shop/Dockerfile' ? 'CMD ["node", "probe.js"]' : undefined,
};

/** The problems of the fixture after `mutate` changed it. */
function problemsAfter(mutate) {
  const doc = fixture();
  mutate(doc);
  return composeProblems(doc, repo).problems;
}

describe('composeProblems', () => {
  it('when the file follows every rule, then there is no problem and memory is totalled per profile', () => {
    const { problems, totals } = composeProblems(fixture(), repo);

    assert.deepEqual(problems, []);
    assert.deepEqual(
      [...totals],
      [
        ['(default)', 768],
        ['observability', 1024],
      ],
    );
  });

  it('when a container has no health check (and no Dockerfile HEALTHCHECK), then it is reported', () => {
    const problems = problemsAfter((d) => delete d.services.postgres.healthcheck);

    assert.ok(problems.includes('services.postgres: no health check'));
    assert.ok(problems.includes('services.shop: depends on postgres, which has no health check'));
  });

  it('when a health check is disabled, then the Dockerfile HEALTHCHECK no longer counts', () => {
    assert.deepEqual(
      problemsAfter((d) => (d.services.shop.healthcheck = { disable: true })),
      ['services.shop: no health check'],
    );
  });

  it('when a container has no memory limit, then it is reported', () => {
    assert.deepEqual(
      problemsAfter((d) => delete d.services.shop.mem_limit),
      ['services.shop: no memory limit'],
    );
  });

  it('when a container has neither image nor build, then it is reported', () => {
    assert.deepEqual(
      problemsAfter((d) => delete d.services.collector.image),
      ['services.collector: neither image nor build'],
    );
  });

  it('when the referenced Dockerfile does not exist, then it is reported', () => {
    const problems = problemsAfter(
      (d) => (d.services.shop.build.dockerfile = 'services/shop/Dockerfil'),
    );

    assert.ok(
      problems.includes('services.shop: Dockerfile services/shop/Dockerfil does not exist'),
    );
  });

  it('when depends_on is not gated on health, then it is reported', () => {
    assert.deepEqual(
      problemsAfter((d) => (d.services.shop.depends_on = ['postgres'])),
      ['services.shop: depends_on in short syntax starts without waiting for health'],
    );
    assert.deepEqual(
      problemsAfter((d) => (d.services.shop.depends_on.postgres.condition = 'service_started')),
      ['services.shop: depends on postgres without condition: service_healthy'],
    );
  });

  it('when depends_on names a missing service or one of another profile, then it is reported', () => {
    const problems = problemsAfter((d) => {
      d.services.shop.depends_on.redis = { condition: 'service_healthy' };
      d.services.shop.depends_on.collector = { condition: 'service_healthy' };
    });

    assert.deepEqual(problems, [
      'services.shop: depends on redis, which is not a service',
      'services.shop: depends on collector, which only starts with profile observability',
    ]);
  });

  it('when two containers publish the same host port, then it is reported', () => {
    const problems = problemsAfter((d) => (d.services.collector.ports = ['3000:4318']));

    assert.deepEqual(problems, ['services.collector: host port 3000/tcp also published by shop']);
  });

  it('when a service env key is not in its config schema, then it is reported', () => {
    const problems = problemsAfter((d) => (d.services.shop.environment.DATABSE_URL = 'x'));

    assert.deepEqual(problems, [
      'services.shop: environment DATABSE_URL is not a key of services/shop/src/config/shop.config.ts',
    ]);
  });

  it('when a service does not publish its contract port, then it is reported', () => {
    const problems = problemsAfter((d) => (d.services.shop.ports = ['127.0.0.1:8080:3000']));

    assert.deepEqual(problems, ['services.shop: does not publish its port 3000 as 3000']);
  });

  it('when a URL names an unknown host, a wrong port or a database nobody creates, then it is reported', () => {
    const problems = problemsAfter((d) => {
      d.services.shop.environment.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://otel:4318';
      d.services.shop.environment.DATABASE_URL = 'postgres://postgres@postgres:5432/rc_shopp';
      d.services.collector.environment = { TARGET_URL: 'http://shop:3001/v1' };
    });

    assert.deepEqual(problems, [
      'services.shop: DATABASE_URL names database rc_shopp, which no init script of postgres creates',
      'services.shop: OTEL_EXPORTER_OTLP_ENDPOINT points at otel, which is not a service',
      'services.collector: TARGET_URL uses port 3001 of shop, which listens on 3000',
    ]);
  });

  it('when a mounted file or a named volume is missing, then it is reported', () => {
    const problems = problemsAfter((d) => {
      d.services.postgres.volumes = [
        './init.sq:/docker-entrypoint-initdb.d/init.sql:ro',
        'pgdata:/data',
      ];
    });

    assert.ok(problems.includes('services.postgres: bind mount source ./init.sq does not exist'));
    assert.ok(problems.includes('services.postgres: volume pgdata is not declared under volumes'));
  });

  for (const [value, why] of [
    ['${RC_ADMIN_TOKEN}', 'no :? (empty unless the shell sets it)'],
    ['${RC_ADMIN_TOKEN:-a-demo-token-of-length}', 'a fallback value'],
    ['a-literal-token-of-length', 'a literal'],
  ]) {
    it(`when a secret is ${why}, then it is reported: secrets come from a required variable`, () => {
      const problems = problemsAfter((d) => (d.services.shop.environment.ADMIN_TOKEN = value));

      assert.deepEqual(problems, [
        'services.shop: ADMIN_TOKEN is a secret without a required variable: write ${VAR:?message} (no fallback value, no literal)',
      ]);
    });
  }

  it('when a non-secret is empty unless the shell sets it, then it is reported', () => {
    const problems = problemsAfter(
      (d) => (d.services.shop.environment.OTEL_EXPORTER_OTLP_ENDPOINT = '${RC_OTLP}'),
    );

    assert.deepEqual(problems, [
      'services.shop: OTEL_EXPORTER_OTLP_ENDPOINT is empty unless the shell sets it (give a default)',
    ]);
  });

  it('when a non-secret comes from a required variable, then it is accepted: Compose refuses to start without it', () => {
    const problems = problemsAfter(
      (d) =>
        (d.services.shop.environment.OTEL_EXPORTER_OTLP_ENDPOINT =
          '${RC_OTLP:?set RC_OTLP (the collector of this deployment)}'),
    );

    assert.deepEqual(problems, []);
  });

  it('when an *_ADMIN_URL names a service, then it must use its admin port (port + 1000)', () => {
    const problems = problemsAfter((d) => {
      d.services.collector.environment = {
        SHOP_ADMIN_URL: 'http://shop:4000',
        OTHER_ADMIN_URL: 'http://shop:3000',
      };
    });

    assert.deepEqual(problems, [
      'services.collector: OTHER_ADMIN_URL uses port 3000 of shop, which listens on 4000',
    ]);
  });
});

describe('appServiceOf', () => {
  it('when an entry is built from the shared Dockerfile, then its service is the build argument SERVICE', () => {
    const shared = {
      build: { context: '.', dockerfile: SERVICE_DOCKERFILE, args: { SERVICE: 'cart' } },
    };

    assert.equal(appServiceOf(shared), 'cart');
    assert.equal(
      appServiceOf({ build: { context: '.', dockerfile: SERVICE_DOCKERFILE } }),
      undefined,
    );
    assert.equal(appServiceOf({ build: { dockerfile: 'services/console/Dockerfile' } }), 'console');
    assert.equal(appServiceOf({ image: 'redis:7' }), undefined);
  });
});
