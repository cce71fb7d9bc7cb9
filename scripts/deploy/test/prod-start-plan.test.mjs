import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { composeImages } from '../lib/compose-rules.mjs';
import { copyTargets, missingInImage, runtimeWorkspaces } from '../lib/prod-start-needs.mjs';
import { durationMs, parseEnv, planRuntime, shellWords } from '../lib/prod-start-plan.mjs';
import { readWorkspaces } from '../lib/prod-start-tree.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// The services' layout in small: a service using lib "a", which uses lib "b".
const IMAGE = `# syntax=docker/dockerfile:1.7
ARG NODE_IMAGE=node:24-slim
FROM \${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests && cp package.json package-lock.json /manifests/

FROM \${NODE_IMAGE} AS build
WORKDIR /repo
COPY --from=manifests /manifests ./
RUN npm ci --ignore-scripts --workspace services/svc
COPY libs ./libs
COPY services/svc ./services/svc
RUN npx tsc -b services/svc/tsconfig.build.json

FROM \${NODE_IMAGE} AS deps
WORKDIR /repo
COPY --from=manifests /manifests ./
RUN npm ci --omit=dev --ignore-scripts \\
  --workspace services/svc

FROM \${NODE_IMAGE} AS runtime
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
WORKDIR /repo
COPY --from=deps --chown=node:node /repo/node_modules ./node_modules
COPY --from=deps --chown=node:node /repo/libs ./libs
COPY --from=build --chown=node:node /repo/libs/a/dist /repo/libs/a/dist
COPY --from=build --chown=node:node /repo/libs/b/dist /repo/libs/b/dist
COPY --from=build --chown=node:node /repo/services/svc/package.json /repo/services/svc/
COPY --from=build --chown=node:node /repo/services/svc/dist /repo/services/svc/dist
COPY --from=build --chown=node:node /repo/services/svc/migrations /repo/services/svc/migrations
USER node
WORKDIR /repo/services/svc
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \\
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1))"]
CMD ["node", "dist/main.js"]
`;

const WORKSPACES = [
  { name: '@x/a', dir: 'libs/a', main: './dist/index.js', dependencies: ['@x/b', 'zod'] },
  { name: '@x/b', dir: 'libs/b', main: './dist/index.js', dependencies: [] },
  { name: '@x/testing', dir: 'libs/testing', main: './dist/index.js', dependencies: [] },
  {
    name: '@x/svc',
    dir: 'services/svc',
    main: './dist/main.js',
    dependencies: ['@x/a', 'pg'],
    runtimeDirs: ['migrations'],
  },
];

/** A source is a folder unless its name has an extension (package.json, main.js). */
const folderUnlessFile = (_copy, source) => !/\.\w+$/.test(source.path);

/**
 * What a copied folder holds: the deps stage has the manifests and node_modules (no build
 * output); the build stage has the repository with its build output.
 */
const stageHas = (target, rel) =>
  target.role !== 'deps' || /(^|\/)(package\.json|node_modules)(\/|$)/.test(rel);

function missing(text, nested = {}) {
  const plan = planRuntime(text);
  const targets = copyTargets(plan.copies, folderUnlessFile);
  return missingInImage({
    plan,
    targets,
    serviceDir: 'services/svc',
    workspaces: WORKSPACES,
    nested,
    sourceHas: stageHas,
  });
}

describe('planRuntime', () => {
  it('when the runtime stage sets ENV, WORKDIR, USER, HEALTHCHECK and CMD, then the plan carries them', () => {
    const plan = planRuntime(IMAGE);

    assert.deepEqual(plan.env, { NODE_ENV: 'production', PORT: '3000', HOST: '0.0.0.0' });
    assert.equal(plan.workdir, '/repo/services/svc');
    assert.equal(plan.user, 'node');
    assert.deepEqual(plan.cmd, ['node', 'dist/main.js']);
    assert.equal(plan.health.argv[0], 'node');
    assert.match(plan.health.argv[2], /\/health\/ready/);
    assert.deepEqual([plan.health.intervalMs, plan.health.timeoutMs], [10_000, 3_000]);
    assert.deepEqual(plan.problems, []);
  });

  it('when a stage installs production dependencies, then its npm command is the one to run', () => {
    const { prodInstall } = planRuntime(IMAGE);

    assert.deepEqual(prodInstall.argv, [
      'npm',
      'ci',
      '--omit=dev',
      '--ignore-scripts',
      '--workspace',
      'services/svc',
    ]);
    assert.deepEqual([prodInstall.stage, prodInstall.workdir], ['deps', '/repo']);
  });

  it('when the runtime copies from the deps and build stages, then each source is relative to that stage WORKDIR', () => {
    const copies = planRuntime(IMAGE).copies;

    assert.deepEqual(
      copies.slice(0, 3).map((c) => [c.role, c.sources[0].rel, c.dest]),
      [
        ['deps', 'node_modules', '/repo/node_modules'],
        ['deps', 'libs', '/repo/libs'],
        ['build', 'libs/a/dist', '/repo/libs/a/dist'],
      ],
    );
    assert.equal(
      planRuntime(IMAGE).buildCommands[0],
      'npx tsc -b services/svc/tsconfig.build.json',
    );
  });

  it('when a COPY reads outside its source stage WORKDIR, then the plan says it cannot be followed', () => {
    const text = IMAGE.replace(
      'COPY --from=deps --chown=node:node /repo/libs ./libs',
      'COPY --from=manifests /manifests/package.json ./',
    );

    assert.ok(
      planRuntime(text).problems.some((p) =>
        /copies \/manifests\/package.json from manifests, outside/.test(p),
      ),
    );
  });

  it('when the runtime copies node_modules from the build stage, then the plan refuses to stand in for it', () => {
    const text = IMAGE.replace(
      '--from=deps --chown=node:node /repo/node_modules',
      '--from=build /repo/node_modules',
    );

    assert.ok(
      planRuntime(text).problems.some((p) =>
        /copies \/repo\/node_modules from build, not from the stage that installs production dependencies/.test(
          p,
        ),
      ),
    );
  });

  it('when the runtime stage has a RUN or no CMD, then each is a problem', () => {
    const text = IMAGE.replace('USER node', 'RUN chmod -R a-w /repo\nUSER node').replace(
      /^CMD .*$/m,
      '',
    );

    assert.deepEqual(
      planRuntime(text).problems.map((p) => p.replace(/^line \d+: /, '')),
      [
        'a RUN in the runtime stage cannot be followed without Docker',
        'the runtime stage has no CMD',
      ],
    );
  });
});

describe('missingInImage', () => {
  it('when the runtime stage copies what the service and its libs need, then nothing is missing', () => {
    assert.deepEqual(missing(IMAGE), []);
  });

  it("when the runtime stage forgets a lib's dist, then the missing build output is named", () => {
    const text = IMAGE.replace(
      'COPY --from=build --chown=node:node /repo/libs/a/dist /repo/libs/a/dist\n',
      '',
    );

    assert.deepEqual(missing(text), [
      'the runtime stage does not copy /repo/libs/a/dist: the build output libs/a/dist of libs/a (@x/a, a production dependency of services/svc)',
    ]);
  });

  it('when a lib reached only through another lib is left out, then its package.json and dist are named', () => {
    const text = IMAGE.replace(
      'COPY --from=deps --chown=node:node /repo/libs ./libs\n',
      'COPY --from=deps /repo/libs/a ./libs/a\n',
    ).replace('COPY --from=build --chown=node:node /repo/libs/b/dist /repo/libs/b/dist\n', '');

    assert.deepEqual(
      missing(text).map((m) => m.split(':')[0]),
      [
        'the runtime stage does not copy /repo/libs/b/package.json',
        'the runtime stage does not copy /repo/libs/b/dist',
      ],
    );
  });

  it('when npm nested packages inside a lib and only the root node_modules is copied, then that folder is named', () => {
    const text = IMAGE.replace(
      'COPY --from=deps --chown=node:node /repo/libs ./libs\n',
      'COPY --from=build /repo/libs/a/package.json /repo/libs/a/\nCOPY --from=build /repo/libs/b/package.json /repo/libs/b/\n',
    );

    const problems = missing(text, { 'libs/a': ['@otel/sdk-node'] });

    assert.deepEqual(problems, [
      'the runtime stage does not copy /repo/libs/a/node_modules: libs/a/node_modules, where npm nested @otel/sdk-node (not hoisted to /repo/node_modules)',
    ]);
  });

  it('when the service migrations or the CMD script are not copied, then both are named', () => {
    const text = IMAGE.replace(/^COPY .*\/migrations$/m, '').replace(
      'COPY --from=build --chown=node:node /repo/services/svc/dist /repo/services/svc/dist',
      'COPY --from=build /repo/services/svc/dist/config /repo/services/svc/dist/config',
    );

    assert.deepEqual(
      missing(text).map((m) => m.split(':')[0]),
      [
        'the runtime stage does not copy /repo/services/svc/dist',
        'the runtime stage does not copy /repo/services/svc/migrations',
        'the runtime stage does not copy /repo/services/svc/dist/main.js',
      ],
    );
  });

  it('when no node_modules comes from the deps stage, then that alone is reported', () => {
    const text = IMAGE.replace(
      'COPY --from=deps --chown=node:node /repo/node_modules ./node_modules\n',
      '',
    );

    assert.deepEqual(missing(text), [
      'the runtime stage copies no node_modules from the stage that installs production dependencies',
    ]);
  });

  it('when a workspace is only a devDependency, then the image does not need it', () => {
    assert.deepEqual(
      runtimeWorkspaces('services/svc', WORKSPACES).map((w) => w.dir),
      ['services/svc', 'libs/a', 'libs/b'],
    );
  });

  it("when this repository's service Dockerfiles are followed, then each image has what its service needs", () => {
    const workspaces = readWorkspaces(root);
    const doc = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
    const images = composeImages(doc);
    assert.ok(images.length >= 7);
    for (const { service: s, dockerfile, args } of images) {
      const plan = planRuntime(readFileSync(join(root, dockerfile), 'utf8'), args);
      const targets = copyTargets(plan.copies, folderUnlessFile);
      // What the lockfile nests today (libs/platform's own @opentelemetry/sdk-trace-node).
      const nested = { 'libs/platform': ['@opentelemetry/sdk-trace-node'] };
      assert.deepEqual(plan.problems, [], s);
      assert.deepEqual(
        missingInImage({
          plan,
          targets,
          serviceDir: `services/${s}`,
          workspaces,
          nested,
          sourceHas: stageHas,
        }),
        [],
        s,
      );
    }
  });
});

describe('folders a build stage makes', () => {
  it('when a build stage runs mkdir -p, then the plan lists the folders against its WORKDIR', () => {
    const text = IMAGE.replace(
      'RUN npx tsc -b services/svc/tsconfig.build.json',
      'RUN npx tsc -b services/svc/tsconfig.build.json && mkdir -p services/svc/migrations /abs',
    );

    assert.deepEqual(planRuntime(text).madeDirs, [
      { from: 'build', path: '/repo/services/svc/migrations' },
      { from: 'build', path: '/abs' },
    ]);
  });
});

describe('Dockerfile words', () => {
  it('when ENV uses quotes or the legacy form, then each variable gets its whole value', () => {
    assert.deepEqual(parseEnv('A=1 B="two words" C=\'x=y\''), { A: '1', B: 'two words', C: 'x=y' });
    assert.deepEqual(parseEnv('GREETING hello there'), { GREETING: 'hello there' });
    assert.deepEqual(shellWords('npm  ci "--a b"'), ['npm', 'ci', '--a b']);
  });

  it('when a duration has several units, then they add up; when absent, the default applies', () => {
    assert.equal(durationMs('1m30s', 0), 90_000);
    assert.equal(durationMs('500ms', 0), 500);
    assert.equal(durationMs(undefined, 10_000), 10_000);
  });
});
