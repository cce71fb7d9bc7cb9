import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseStages } from '../lib/dockerfile.mjs';
import { dockerfileProblems, runtimeHealthcheck } from '../lib/dockerfile-rules.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

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

  it('when every service Dockerfile of this repository is checked, then none has a problem', () => {
    const services = readdirSync(join(root, 'services')).filter((s) =>
      existsSync(join(root, 'services', s, 'Dockerfile')),
    );
    assert.ok(services.length >= 6);
    for (const s of services) {
      const text = readFileSync(join(root, 'services', s, 'Dockerfile'), 'utf8');
      assert.deepEqual(dockerfileProblems(text), [], s);
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
