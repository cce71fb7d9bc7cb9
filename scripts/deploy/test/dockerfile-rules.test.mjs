import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseStages } from '../lib/dockerfile.mjs';
import { parse } from 'yaml';
import { composeImages, SERVICE_DOCKERFILE } from '../lib/compose-rules.mjs';
import {
  copiedLibs,
  dockerfileProblems,
  runtimeHealthcheck,
  serviceImageProblems,
} from '../lib/dockerfile-rules.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The images this repository's docker-compose.yml builds from workspace services. */
function repoImages() {
  const doc = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
  return composeImages(doc);
}

// A minimal image that passes every rule; each test breaks one thing.
const GOOD = `# syntax=docker/dockerfile:1.7
ARG NODE_IMAGE=node:24-slim
FROM \${NODE_IMAGE} AS build
WORKDIR /repo
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts \\
  --no-audit
COPY . .
RUN npx tsc -b

FROM \${NODE_IMAGE} AS deps
WORKDIR /repo
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts

FROM \${NODE_IMAGE} AS runtime
WORKDIR /repo
COPY --from=deps --chown=node:node /repo/node_modules ./node_modules
COPY --from=build --chown=node:node /repo/dist ./dist
USER node
HEALTHCHECK --interval=10s \\
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/health/ready').then(r=>process.exit(r.ok?0:1))"]
CMD ["node", "dist/main.js"]
`;

describe('parseStages', () => {
  it('when FROM uses a global ARG, then the stage base is the ARG default', () => {
    const stages = parseStages(GOOD);

    assert.deepEqual(
      stages.map((s) => [s.name, s.from]),
      [
        ['build', 'node:24-slim'],
        ['deps', 'node:24-slim'],
        ['runtime', 'node:24-slim'],
      ],
    );
  });

  it('when an instruction continues over lines, then it is one instruction with its first line number', () => {
    const health = parseStages(GOOD)[2].instructions.find((i) => i.keyword === 'HEALTHCHECK');

    assert.equal(health.line, 21);
    assert.match(health.args, /^--interval=10s CMD \["node"/);
  });
});

describe('dockerfileProblems', () => {
  it('when the image follows every rule, then there is no problem', () => {
    assert.deepEqual(dockerfileProblems(GOOD), []);
  });

  it('when every image docker-compose.yml builds of this repository is checked, then none has a problem', () => {
    const images = repoImages();
    assert.ok(images.filter((i) => i.dockerfile === SERVICE_DOCKERFILE).length >= 6);
    for (const { entry, dockerfile, args } of images) {
      const text = readFileSync(join(root, dockerfile), 'utf8');
      assert.deepEqual(dockerfileProblems(text, args), [], entry);
    }
  });

  it('when there is one stage only, then it is not multi-stage', () => {
    const text = 'FROM node:24-slim\nRUN npm ci --omit=dev\nUSER node\nHEALTHCHECK CMD ["true"]\n';

    assert.deepEqual(dockerfileProblems(text), ['not multi-stage (1 FROM)']);
  });

  it('when the runtime is based on another Node version, then it is refused', () => {
    const text = GOOD.replace('ARG NODE_IMAGE=node:24-slim', 'ARG NODE_IMAGE=node:22-alpine');

    assert.ok(
      dockerfileProblems(text).includes('runtime stage is based on "node:22-alpine", not node:24'),
    );
  });

  it('when the runtime copies node_modules from a stage that installed devDependencies, then it is refused', () => {
    const text = GOOD.replace(
      '--from=deps --chown=node:node /repo/node_modules',
      '--from=build /repo/node_modules',
    );

    assert.ok(
      dockerfileProblems(text).some((p) =>
        /copies \/repo\/node_modules from stage build, which installed devDependencies/.test(p),
      ),
    );
  });

  it('when the runtime copies the whole build workdir, then its dev node_modules come along and it is refused', () => {
    const text = GOOD.replace(
      'COPY --from=build --chown=node:node /repo/dist ./dist',
      'COPY --from=build /repo ./',
    );

    assert.ok(dockerfileProblems(text).some((p) => /copies \/repo from stage build/.test(p)));
  });

  it('when the runtime stage runs npm ci without --omit=dev, then it is refused', () => {
    const text = GOOD.replace('USER node', 'RUN npm ci\nUSER node');

    assert.ok(
      dockerfileProblems(text).includes(
        'the runtime stage installs devDependencies (use npm ci --omit=dev)',
      ),
    );
  });

  it('when a dev install is pruned to production, then it counts as production dependencies', () => {
    const text = GOOD.replace(
      'RUN npm ci --omit=dev --ignore-scripts',
      'RUN npm ci && npm prune --omit=dev',
    );

    assert.deepEqual(dockerfileProblems(text), []);
  });

  it('when no USER is set, or USER is root, then it runs as root', () => {
    assert.ok(
      dockerfileProblems(GOOD.replace('USER node\n', '')).includes(
        'the runtime stage runs as root (no USER)',
      ),
    );
    assert.ok(
      dockerfileProblems(GOOD.replace('USER node', 'USER 0:0')).includes(
        'the runtime stage runs as 0',
      ),
    );
  });

  it('when the USER is set in an earlier stage only, then the runtime still runs as root', () => {
    const text = GOOD.replace('USER node\n', '').replace(
      'WORKDIR /repo\nCOPY package.json',
      'WORKDIR /repo\nUSER node\nCOPY package.json',
    );

    assert.ok(dockerfileProblems(text).includes('the runtime stage runs as root (no USER)'));
  });

  it('when the HEALTHCHECK is missing or NONE, then it is refused', () => {
    const without = GOOD.replace(/HEALTHCHECK[\s\S]*?\)\)"\]\n/, '');
    assert.ok(dockerfileProblems(without).includes('no HEALTHCHECK in the runtime stage'));
    assert.equal(runtimeHealthcheck(without), undefined);
    assert.ok(dockerfileProblems(`${without}HEALTHCHECK NONE\n`).includes('HEALTHCHECK NONE'));
  });
});

// The shared Dockerfile in small: the service and its port are build arguments.
const SHARED = `ARG NODE_IMAGE=node:24-slim
ARG SERVICE
ARG PORT=3000
FROM \${NODE_IMAGE} AS build
ARG SERVICE
WORKDIR /repo
RUN npm ci --workspace services/\${SERVICE} && npx tsc -b services/$SERVICE/tsconfig.build.json
FROM \${NODE_IMAGE} AS deps
ARG SERVICE
WORKDIR /repo
RUN npm ci --omit=dev --workspace services/\${SERVICE}
FROM \${NODE_IMAGE} AS runtime
ARG SERVICE
ARG PORT
ENV PORT=\${PORT} HOME=\${HOME}
COPY --from=deps /repo/node_modules ./node_modules
COPY --from=build /repo/libs/a/dist ./libs/a/dist
COPY --from=build /repo/libs/b/dist/ ./libs/b/dist
COPY --from=build /repo/services/\${SERVICE}/dist ./services/\${SERVICE}/dist
USER node
WORKDIR /repo/services/\${SERVICE}
HEALTHCHECK CMD ["node", "probe.js"]
`;

describe('build arguments', () => {
  it('when a stage declares an ARG, then its instructions get the build argument, else the default', () => {
    const [build, , runtime] = parseStages(SHARED, { SERVICE: 'cart' });

    assert.match(
      build.instructions[1].args,
      /--workspace services\/cart && npx tsc -b services\/cart\//,
    );
    assert.equal(runtime.instructions[0].args, 'PORT=3000 HOME=${HOME}');
    assert.equal(runtime.instructions.at(-2).args, '/repo/services/cart');
  });

  it('when a stage does not declare the ARG, then the global one does not reach it', () => {
    const text = SHARED.replace(
      'FROM ${NODE_IMAGE} AS deps\nARG SERVICE\n',
      'FROM ${NODE_IMAGE} AS deps\n',
    );

    const deps = parseStages(text, { SERVICE: 'cart' })[1];

    assert.match(deps.instructions[1].args, /--workspace services\/\$\{SERVICE\}$/);
  });

  it('when the runtime stage copies libs build outputs, then those libs are the copied ones', () => {
    assert.deepEqual(copiedLibs(parseStages(SHARED, { SERVICE: 'cart' })), ['a', 'b']);
    assert.deepEqual(dockerfileProblems(SHARED, { SERVICE: 'cart' }), []);
  });
});

describe('serviceImageProblems', () => {
  const build = (service, extra = {}) => ({
    entry: service,
    service,
    dockerfile: SERVICE_DOCKERFILE,
    args: { SERVICE: service, PORT: '3001' },
    port: '3001',
    ...extra,
  });
  const input = (over = {}) => ({
    services: ['cart', 'console'],
    ownDockerfiles: ['console'],
    ownDockerfileAllowed: { console: 'front end' },
    builds: [
      build('cart'),
      { entry: 'console', service: 'console', dockerfile: 'services/console/Dockerfile', args: {} },
    ],
    sharedDockerfile: SERVICE_DOCKERFILE,
    libsOf: () => ['a', 'b'],
    copiedLibsOf: () => ['a', 'b'],
    ...over,
  });

  it('when every backend service is built from the shared Dockerfile with its libs, then there is no problem', () => {
    assert.deepEqual(serviceImageProblems(input()), []);
  });

  it('when a backend service keeps its own Dockerfile, then it is told to remove it', () => {
    const problems = serviceImageProblems(input({ ownDockerfiles: ['cart', 'console'] }));

    assert.ok(
      problems.some((p) => /^services\/cart\/Dockerfile: a backend service is built from/.test(p)),
    );
  });

  it('when no Compose entry builds a service, or one builds it from another Dockerfile, then each is named', () => {
    const none = serviceImageProblems(input({ builds: input().builds.slice(1) }));
    const other = serviceImageProblems(
      input({ builds: [build('cart', { dockerfile: 'elsewhere/Dockerfile' }), input().builds[1]] }),
    );

    assert.ok(
      none.some((p) => /^services\/cart: no service of docker-compose.yml builds it/.test(p)),
    );
    assert.ok(
      other.some((p) => /builds services\/cart from elsewhere\/Dockerfile, not from/.test(p)),
    );
  });

  it('when the build argument SERVICE names no service, or PORT differs from the entry, then it is refused', () => {
    const unknown = serviceImageProblems(
      input({ builds: [...input().builds, build('nope', { entry: 'nope' })] }),
    );
    const port = serviceImageProblems(
      input({ builds: [build('cart', { port: '3009' }), input().builds[1]] }),
    );

    assert.ok(
      unknown.some((p) => /services.nope: build argument SERVICE=nope names no folder/.test(p)),
    );
    assert.ok(port.some((p) => /build argument PORT=3001 differs from its PORT 3009/.test(p)));
  });

  it('when the runtime stage copies libs other than those the service references, then both sides are named', () => {
    const problems = serviceImageProblems(input({ copiedLibsOf: () => ['a', 'c'] }));

    assert.deepEqual(problems, [
      `services.cart: ${SERVICE_DOCKERFILE} does not copy libs/b, which services/cart references`,
      `services.cart: ${SERVICE_DOCKERFILE} copies libs/c, which services/cart does not reference (no dist/ in its build stage)`,
    ]);
  });
});
