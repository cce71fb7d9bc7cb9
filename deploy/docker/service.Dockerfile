# syntax=docker/dockerfile:1.7
# The image of every backend service (analytics, cart, checkout, inventory, payment,
# recommendations, and any service the generator adds): one Dockerfile, the service chosen by a
# build argument. Build from the repository root (the service needs the workspace libs):
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=checkout --build-arg PORT=3000 -t rc/checkout .
# docker-compose.yml builds each service so (build.args SERVICE and PORT). service.Dockerfile.dockerignore
# beside this file keeps node_modules, dist and local state out of the context. The console keeps
# its own Dockerfile (services/console/Dockerfile): it also builds a front end with Vite.
# `node scripts/deploy/check-dockerfiles.mjs` checks this file statically for every service built from it.

ARG NODE_IMAGE=node:24-slim
# The service's folder under services/ (required) and its port (the image's default PORT).
ARG SERVICE
ARG PORT=3000

# Every workspace manifest, in its folder: npm ci needs the whole workspace graph of the lockfile.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && cp package.json package-lock.json /manifests/ \
 && find libs services e2e -mindepth 2 -maxdepth 2 -name package.json -exec cp --parents {} /manifests \;

# Compile the service and the libs it references (tsc -b follows the project references, so only
# those libs get a dist/: the context carries none), then bundle it. A service without SQL migrations gets an
# empty migrations/ folder, so that the runtime stage copies the same paths for every service.
FROM ${NODE_IMAGE} AS build
ARG SERVICE
WORKDIR /repo
# A C compiler for libs/platform's one native addon (malloc_trim at rest, built below into
# libs/platform/dist/native/; the runtime stage needs no compiler). node:24-slim has none.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
COPY --from=manifests /manifests ./
RUN test -n "${SERVICE}" && test -f "services/${SERVICE}/package.json" \
 && npm ci --ignore-scripts --no-audit --no-fund --include-workspace-root --workspace services/${SERVICE}
COPY tsconfig.base.json ./
COPY libs ./libs
COPY services/${SERVICE} ./services/${SERVICE}
COPY scripts/build ./scripts/build
RUN npx tsc -b services/${SERVICE}/tsconfig.build.json
RUN node libs/platform/scripts/build-native.mjs
# The service's bundle, dist/bundle/main.js (the CMD below; its package.json's main), with the
# addon beside it: what `npm run build` does after tsc (scripts/build/bundle-service.mjs).
RUN node scripts/build/bundle-service.mjs services/${SERVICE}
RUN mkdir -p services/${SERVICE}/migrations

# Production dependencies only (workspace libs become symlinks into /repo/libs).
FROM ${NODE_IMAGE} AS deps
ARG SERVICE
WORKDIR /repo
COPY --from=manifests /manifests ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace services/${SERVICE}

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ARG PORT
# V8 and malloc sizing as the tests and npm start run the services (libs/testing SERVICE_NODE_OPTIONS,
# SERVICE_ENV; docs/PERFORMANCE.md, seventh and eighteenth rounds): 16 MiB semi-spaces, a 192 MiB
# old-space bound, V8's gc for the heap release at rest, two arenas.
ENV NODE_ENV=production PORT=${PORT} HOST=0.0.0.0 NODE_OPTIONS="--max-semi-space-size=16 --max-old-space-size=192 --expose-gc" MALLOC_ARENA_MAX=2
WORKDIR /repo
COPY --from=deps --chown=node:node /repo/node_modules ./node_modules
# The libs the service depends on, each as its deps-stage folder (package.json, and the
# node_modules npm nested there when it could not hoist a package — today
# libs/platform/node_modules/@opentelemetry/sdk-trace-node) plus its build output. Named one by
# one because a COPY cannot depend on the service: every backend service references exactly
# these four in its tsconfig.build.json, and check-dockerfiles.mjs fails when a service built
# from this file references another set (a lib it does not reference has no dist/ in the build
# stage, so its COPY would fail the build; one it needs but is missing here would fail at start).
COPY --from=deps --chown=node:node /repo/libs/contracts ./libs/contracts
COPY --from=build --chown=node:node /repo/libs/contracts/dist ./libs/contracts/dist
COPY --from=deps --chown=node:node /repo/libs/messaging ./libs/messaging
COPY --from=build --chown=node:node /repo/libs/messaging/dist ./libs/messaging/dist
COPY --from=deps --chown=node:node /repo/libs/platform ./libs/platform
COPY --from=build --chown=node:node /repo/libs/platform/dist ./libs/platform/dist
COPY --from=deps --chown=node:node /repo/libs/resilience ./libs/resilience
COPY --from=build --chown=node:node /repo/libs/resilience/dist ./libs/resilience/dist
COPY --from=deps --chown=node:node /repo/services/${SERVICE} ./services/${SERVICE}
COPY --from=build --chown=node:node /repo/services/${SERVICE}/dist ./services/${SERVICE}/dist
COPY --from=build --chown=node:node /repo/services/${SERVICE}/migrations ./services/${SERVICE}/migrations
USER node
WORKDIR /repo/services/${SERVICE}
EXPOSE ${PORT}
# Readiness = the service's own dependencies answer; node:24-slim has no curl, so Node's fetch probes it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/bundle/main.js"]
