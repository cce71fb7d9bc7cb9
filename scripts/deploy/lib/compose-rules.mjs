// The rules docker-compose.yml must follow, as a pure function of the parsed file and a small
// view of the repository (so the unit tests can feed fixtures). Used by ../check-compose.mjs.
import {
  dockerfileOf,
  endpointsIn,
  environmentOf,
  interpolateDefaults,
  memoryLimitMiB,
  mountsOf,
  profilesOf,
  publishedPorts,
} from './compose-model.mjs';
import { posix } from 'node:path';

/**
 * @typedef {object} RepoView
 * @property {(path: string) => boolean} exists   a path relative to the Compose file's directory
 * @property {(path: string) => string | undefined} read
 * @property {(name: string) => ({keys: Set<string>, port?: number, files: string[]} | undefined)} serviceConfig
 * @property {(dockerfile: string) => string | undefined} dockerfileHealthcheck
 */

const APP_DOCKERFILE = /^services\/([^/]+)\/Dockerfile$/;

/** Environment keys that hold a secret (tokens, keys, passwords) in any container. */
const SECRET_KEY = /(TOKEN|SECRET|PASSWORD|_KEY)$/;

/**
 * `${VAR:?message}`: Compose refuses to start while VAR is unset or empty, naming it — a secret
 * never falls back to a value written in the repository.
 */
const REQUIRED_VARIABLE = /^\$\{\w+:\?[^}]+\}$/;

/** The Dockerfile every backend service's image is built from (build argument SERVICE). */
export const SERVICE_DOCKERFILE = 'deploy/docker/service.Dockerfile';

/**
 * The workspace service an entry builds, if any: the shared Dockerfile's build argument SERVICE,
 * or the folder of a service's own Dockerfile (services/<name>/Dockerfile: the console's).
 */
export function appServiceOf(service) {
  const dockerfile = dockerfileOf(service)?.replace(/^\.\//, '');
  if (!dockerfile) return undefined;
  if (dockerfile === SERVICE_DOCKERFILE) {
    const name = service.build?.args?.SERVICE;
    return name === undefined ? undefined : String(name);
  }
  return APP_DOCKERFILE.exec(dockerfile)?.[1];
}

/**
 * The workspace services a parsed Compose document builds: its entry, the service folder, the
 * Dockerfile (relative to the Compose file) and the build arguments (as strings).
 * @returns {{entry: string, service: string, dockerfile: string, args: Record<string, string>}[]}
 */
export function composeImages(doc) {
  return Object.entries(doc?.services ?? {})
    .filter(([, s]) => appServiceOf(s) !== undefined)
    .map(([entry, s]) => ({
      entry,
      service: appServiceOf(s),
      dockerfile: posix.normalize(dockerfileOf(s)),
      args: Object.fromEntries(Object.entries(s.build?.args ?? {}).map(([k, v]) => [k, String(v)])),
    }));
}

/** Whether a service has a health check (its own, or its Dockerfile's unless disabled). */
function healthcheckOf(service, repo) {
  const hc = service.healthcheck;
  if (hc?.disable === true) return undefined;
  const test = hc?.test;
  if (test && !(Array.isArray(test) && test[0] === 'NONE')) return 'compose';
  const dockerfile = dockerfileOf(service);
  if (dockerfile && repo.exists(dockerfile) && repo.dockerfileHealthcheck(dockerfile)) {
    return 'Dockerfile';
  }
  return undefined;
}

/** Databases created by the init scripts bind-mounted into a Postgres service. */
function initDatabases(service, repo) {
  const names = new Set(['postgres']);
  for (const { source, target } of mountsOf(service).binds) {
    if (!String(target).startsWith('/docker-entrypoint-initdb.d')) continue;
    const sql = repo.read(source) ?? '';
    for (const m of sql.matchAll(/CREATE\s+DATABASE\s+"?(\w+)"?/gi)) names.add(m[1]);
  }
  return names;
}

/**
 * Every problem of a parsed Compose document, and the memory total per profile selection.
 * @param {object} doc the parsed docker-compose.yml (YAML merge keys resolved)
 * @param {RepoView} repo
 * @returns {{problems: string[], totals: Map<string, number>}}
 */
export function composeProblems(doc, repo) {
  const problems = [];
  const services = doc?.services ?? {};
  const names = Object.keys(services);
  if (names.length === 0) problems.push('no services');
  const declaredVolumes = new Set(Object.keys(doc?.volumes ?? {}));
  const ports = new Map();
  const appPort = new Map();
  for (const name of names) {
    const app = appServiceOf(services[name]);
    const port = app ? repo.serviceConfig(app)?.port : undefined;
    const envPort = environmentOf(services[name]).PORT;
    if (app) appPort.set(name, String(envPort ?? port));
  }

  for (const name of names) {
    const s = services[name] ?? {};
    const where = `services.${name}`;
    if (!s.image && !s.build) problems.push(`${where}: neither image nor build`);
    if (!healthcheckOf(s, repo)) problems.push(`${where}: no health check`);
    const memory = memoryLimitMiB(s);
    if (memory === undefined) problems.push(`${where}: no memory limit`);
    else if (!(memory > 0)) problems.push(`${where}: unreadable memory limit`);

    if (s.build) {
      const context = typeof s.build === 'string' ? s.build : (s.build.context ?? '.');
      if (!repo.exists(context)) problems.push(`${where}: build context ${context} does not exist`);
      const dockerfile = dockerfileOf(s);
      if (!repo.exists(dockerfile))
        problems.push(`${where}: Dockerfile ${dockerfile} does not exist`);
    }

    const depends = s.depends_on;
    if (Array.isArray(depends)) {
      problems.push(`${where}: depends_on in short syntax starts without waiting for health`);
    } else {
      for (const [target, spec] of Object.entries(depends ?? {})) {
        const t = services[target];
        if (!t) {
          problems.push(`${where}: depends on ${target}, which is not a service`);
          continue;
        }
        if (spec?.condition !== 'service_healthy') {
          problems.push(`${where}: depends on ${target} without condition: service_healthy`);
        }
        if (!healthcheckOf(t, repo))
          problems.push(`${where}: depends on ${target}, which has no health check`);
        const mine = profilesOf(s);
        const theirs = profilesOf(t);
        if (theirs.length > 0 && !theirs.some((p) => mine.includes(p))) {
          problems.push(
            `${where}: depends on ${target}, which only starts with profile ${theirs.join('/')}`,
          );
        }
      }
    }

    for (const p of publishedPorts(s)) {
      const key = `${p.published}/${p.protocol}`;
      if (ports.has(key))
        problems.push(`${where}: host port ${key} also published by ${ports.get(key)}`);
      else ports.set(key, name);
    }

    const { binds, named } = mountsOf(s);
    for (const { source } of binds) {
      if (!repo.exists(source))
        problems.push(`${where}: bind mount source ${source} does not exist`);
    }
    for (const v of named) {
      if (!declaredVolumes.has(v))
        problems.push(`${where}: volume ${v} is not declared under volumes`);
    }

    const env = environmentOf(s);
    const app = appServiceOf(s);
    if (app) {
      const config = repo.serviceConfig(app);
      if (!config) problems.push(`${where}: services/${app} has no src/config/*.config.ts`);
      for (const key of Object.keys(env)) {
        if (config && !config.keys.has(key)) {
          problems.push(`${where}: environment ${key} is not a key of ${config.files.at(-1)}`);
        }
      }
      const port = String(env.PORT ?? config?.port);
      if (config?.port !== undefined && port !== String(config.port)) {
        problems.push(
          `${where}: PORT ${port} differs from the service's contract port ${config.port}`,
        );
      }
      if (!publishedPorts(s).some((p) => p.published === port && p.target === port)) {
        problems.push(`${where}: does not publish its port ${port} as ${port}`);
      }
    }
    for (const [key, value] of Object.entries(env)) {
      if (!/(_URL|_ENDPOINT|_BROKERS)$/.test(key) || value === undefined) continue;
      for (const e of endpointsIn(value)) {
        const target = services[e.host];
        if (!target) {
          problems.push(`${where}: ${key} points at ${e.host}, which is not a service`);
          continue;
        }
        // An *_ADMIN_URL names the service's admin port: its port + 1000 (ADMIN_PORT's default).
        const servicePort = appPort.get(e.host);
        const expected =
          servicePort && key.endsWith('_ADMIN_URL')
            ? String(Number(servicePort) + 1000)
            : servicePort;
        if (expected && e.port && e.port !== expected) {
          problems.push(
            `${where}: ${key} uses port ${e.port} of ${e.host}, which listens on ${expected}`,
          );
        }
        if (key === 'DATABASE_URL') {
          const db = e.path.replace(/^\//, '');
          if (db && !initDatabases(target, repo).has(db)) {
            problems.push(
              `${where}: DATABASE_URL names database ${db}, which no init script of ${e.host} creates`,
            );
          }
        }
      }
    }
    for (const [key, value] of Object.entries(env)) {
      if (!SECRET_KEY.test(key) || value === undefined) continue;
      if (!REQUIRED_VARIABLE.test(String(value))) {
        problems.push(
          `${where}: ${key} is a secret without a required variable: write \${VAR:?message} (no fallback value, no literal)`,
        );
      }
    }
    for (const [key, value] of Object.entries(env)) {
      // A required variable is never empty: Compose refuses to start without it (a deployment's
      // own value with no sensible default, such as the identity provider's public key).
      if (SECRET_KEY.test(key) || REQUIRED_VARIABLE.test(String(value))) continue;
      if (value !== undefined && interpolateDefaults(value) === '' && String(value).includes('$')) {
        problems.push(`${where}: ${key} is empty unless the shell sets it (give a default)`);
      }
    }
  }

  const totals = new Map();
  const profiles = [...new Set(names.flatMap((n) => profilesOf(services[n])))];
  for (const selection of [undefined, ...profiles]) {
    const chosen = names.filter((n) => {
      const p = profilesOf(services[n]);
      return p.length === 0 || (selection !== undefined && p.includes(selection));
    });
    const mib = chosen.reduce((sum, n) => sum + (memoryLimitMiB(services[n]) ?? 0), 0);
    totals.set(selection ?? '(default)', Math.round(mib));
  }
  return { problems, totals };
}
