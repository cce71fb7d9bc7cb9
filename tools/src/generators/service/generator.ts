import {
  formatFiles,
  generateFiles,
  getProjects,
  joinPathFragments,
  logger,
  names,
  offsetFromRoot,
  type Tree,
} from '@nx/devkit';
import { join } from 'node:path';
import type { ServiceGeneratorSchema } from './schema';

/** A service's store: its own Postgres database, Redis as its store, or nothing. */
export type ServiceStore = 'postgres' | 'redis' | 'none';

/** Options after validation, with every default applied. */
export interface NormalizedServiceOptions {
  name: string;
  tier: 1 | 2 | 3 | 4;
  store: ServiceStore;
  port: number;
  /** Folder of the new service, relative to the workspace root (`services/<name>`). */
  projectRoot: string;
  skipFormat: boolean;
}

/** Load-shedding criticality of a tier: what is refused first under overload. */
export const CRITICALITY_OF_TIER = {
  1: 'CRITICAL',
  2: 'DEGRADED',
  3: 'SHEDDABLE',
  4: 'SHEDDABLE',
} as const;

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const STORES: readonly ServiceStore[] = ['postgres', 'redis', 'none'];
// Names the platform already uses for other things than a service folder.
const RESERVED = new Set(['libs', 'tools', 'platform', 'e2e', 'chaos', 'deploy', 'service']);

/**
 * Checks the options and applies the defaults; throws an Error whose message names the bad
 * option and what is allowed (Nx prints it and writes nothing).
 */
export function normalizeOptions(
  tree: Tree,
  options: ServiceGeneratorSchema,
): NormalizedServiceOptions {
  const name = String(options.name ?? '');
  if (!NAME.test(name) || name.length > 40) {
    throw new Error(
      `service name "${name}" is not allowed: use kebab-case, a lower-case letter first, ` +
        'then letters, digits and single hyphens, at most 40 characters (e.g. "loyalty-points").',
    );
  }
  if (RESERVED.has(name)) throw new Error(`service name "${name}" is reserved; choose another.`);
  const tier = Number(options.tier);
  if (!Number.isInteger(tier) || tier < 1 || tier > 4) {
    throw new Error(`--tier must be 1, 2, 3 or 4 (got "${String(options.tier)}").`);
  }
  const store = options.store ?? 'none';
  if (!STORES.includes(store)) {
    throw new Error(`--store must be one of ${STORES.join(', ')} (got "${String(store)}").`);
  }
  const port = Number(options.port ?? 3010);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`--port must be a TCP port 1-65535 (got "${String(options.port)}").`);
  }
  const projectRoot = joinPathFragments(options.directory ?? 'services', name);
  if (tree.exists(projectRoot)) {
    throw new Error(`${projectRoot} already exists: a service named "${name}" is already there.`);
  }
  if (getProjects(tree).has(name)) {
    throw new Error(`an Nx project named "${name}" already exists; choose another name.`);
  }
  const compose = tree.read(COMPOSE_FILE, 'utf8');
  if (compose !== null && composeHasService(compose, name)) {
    throw new Error(`${COMPOSE_FILE} already has a service "${name}"; choose another name.`);
  }
  return {
    name,
    tier: tier as NormalizedServiceOptions['tier'],
    store,
    port,
    projectRoot,
    skipFormat: options.skipFormat ?? false,
  };
}

/** What the templates under `files/` are rendered with. */
export function templateVariables(options: NormalizedServiceOptions) {
  const n = names(options.name);
  return {
    ...options,
    // Names in code: `loyalty-points` → LoyaltyPoints, loyaltyPoints, LOYALTY_POINTS.
    className: n.className,
    propertyName: n.propertyName,
    constantName: n.constantName,
    fileName: n.fileName,
    criticality: CRITICALITY_OF_TIER[options.tier],
    database: `rc_${options.name.replace(/-/g, '_')}`,
    offset: offsetFromRoot(options.projectRoot),
    // File names: `__name__.module.ts` → `loyalty-points.module.ts`; `.template` is dropped.
    tmpl: '',
  };
}

// The service's docker-compose.yml entry. Kept in this file: `nx g` loads the generator with
// Node's type stripping, which resolves no extension-less relative import at run time.

/** The platform's Compose file, at the workspace root. */
export const COMPOSE_FILE = 'docker-compose.yml';

/** The one Dockerfile every backend service's image is built from (build argument SERVICE). */
export const SERVICE_DOCKERFILE = 'deploy/docker/service.Dockerfile';

/** CPU weight by tier (Compose `cpu_shares`), as the six services have it. */
const CPU_SHARES = { 1: 1024, 2: 512, 3: 256, 4: 128 } as const;

/**
 * Where a new entry goes: before the observability profile's section, else before the top-level
 * `volumes:` (the end of `services:`).
 */
const ANCHORS = [/^ {2}# -+ observability profile/m, /^volumes:/m];

/** Whether docker-compose.yml already has a service called `name`. */
export function composeHasService(text: string, name: string): boolean {
  return new RegExp(`^ {2}${name}:\\s*$`, 'm').test(text);
}

/**
 * The docker-compose.yml entry of a new service: its image built from the shared Dockerfile
 * (build arguments SERVICE and PORT), the platform's environment, its ports (public and admin,
 * on 127.0.0.1), what it waits for, a memory limit and the CPU weight of its tier.
 */
export function composeEntry(options: NormalizedServiceOptions): string {
  const { name, port, store, tier } = options;
  const admin = port + 1000;
  const secret = `RC_PG_${name.replace(/-/g, '_').toUpperCase()}_PASSWORD`;
  const database = `rc_${name.replace(/-/g, '_')}`;
  const lines = [
    `  # ------------------------------------------------------------------ ${name} (tier ${tier})`,
    `  ${name}:`,
    '    <<: *service',
    `    image: rc/${name}:local`,
    '    build:',
    '      context: .',
    `      dockerfile: ${SERVICE_DOCKERFILE}`,
    `      args: { SERVICE: ${name}, PORT: ${port} }`,
    `    ports: ['127.0.0.1:${port}:${port}', '127.0.0.1:${admin}:${admin}']`,
    '    environment:',
    '      <<: [*platform-env, *redis-env]',
    `      SERVICE_NAME: ${name}`,
    `      PORT: ${port}`,
    ...(store === 'postgres'
      ? [
          `      DATABASE_URL: postgres://${database}:\${${secret}:?set ${secret} (node scripts/gen-env.mjs writes .env)}@postgres:5432/${database}`,
        ]
      : []),
    ...(store === 'postgres'
      ? [
          '    depends_on:',
          '      <<: *infra-ready',
          '      postgres: { condition: service_healthy }',
        ]
      : ['    depends_on: *infra-ready']),
    '    deploy: { resources: { limits: { memory: 256M } } }',
    `    cpu_shares: ${CPU_SHARES[tier]}`,
  ];
  return `${lines.join('\n')}\n\n`;
}

/**
 * Adds the service's entry to docker-compose.yml (when the workspace has one): before the
 * observability section, else at the end of `services:`. Returns whether it was added.
 */
export function addComposeEntry(tree: Tree, options: NormalizedServiceOptions): boolean {
  const text = tree.read(COMPOSE_FILE, 'utf8');
  if (text === null) return false;
  const at = ANCHORS.map((a) => a.exec(text)?.index).find((i) => i !== undefined);
  const entry = composeEntry(options);
  tree.write(
    COMPOSE_FILE,
    at === undefined
      ? `${text.trimEnd()}\n\n${entry}`
      : `${text.slice(0, at)}${entry}${text.slice(at)}`,
  );
  return true;
}

// The lists where the platform names its services (npm start, npm run infra:up, Compose's
// databases). Kept in this file for the same reason as the Compose entry. Each edit is idempotent
// (an entry already there is left alone) and skipped with a warning when the file or the list in
// it is not found: the service is made all the same, and the entry is left to add by hand.

/** The backend services `npm start` and the end-to-end harness start (libs/testing). */
export const PLATFORM_SERVICES_FILE = 'libs/testing/src/platform-services.ts';
/** `npm run infra:up`: SERVICE_DATABASES, the databases made with their owner roles. */
export const INFRA_SCRIPT = 'scripts/infra/infra.sh';
/** Compose's postgres image: the service databases made when its volume is created. */
export const COMPOSE_INIT_DATABASES = 'deploy/compose/init-databases.sh';
/** Compose: each service database's role and its password (RC_PG_<SERVICE>_PASSWORD). */
export const COMPOSE_SERVICE_DATABASES = 'deploy/compose/service-databases.sh';
/** The secrets of docker-compose.yml, copied to `.env` with fresh values by scripts/gen-env.mjs. */
export const ENV_EXAMPLE = '.env.example';

/** `loyalty-points` → `loyalty_points`: the form of database, role and variable names. */
const snake = (name: string) => name.replace(/-/g, '_');

/**
 * Rewrites `path` with `edit` when the file exists; `edit` returns the new text, or null when the
 * place of the entry is not found (warned, the file left alone).
 */
function editFile(tree: Tree, path: string, what: string, edit: (text: string) => string | null) {
  const text = tree.read(path, 'utf8');
  if (text === null) return;
  const next = edit(text);
  if (next === null) {
    logger.warn(`${path}: ${what} not found; add the new service there by hand.`);
  } else if (next !== text) {
    tree.write(path, next);
  }
}

/**
 * Appends `word` to the space-separated list that the second of the three groups of `list`
 * matches, unless it is there; null when `list` does not match.
 */
function appendToList(text: string, list: RegExp, word: string): string | null {
  if (!list.test(text)) return null;
  return text.replace(list, (all, head: string, words: string, tail: string) =>
    words.split(/\s+/).includes(word) ? all : `${head}${words} ${word}${tail}`,
  );
}

/**
 * Appends `{ name, port, tier }` to PLATFORM_SERVICES (last in start order: the example upstream
 * is started before it) and the name to the `name` type of PlatformService.
 */
export function addPlatformService(tree: Tree, options: NormalizedServiceOptions): void {
  const { name, port, tier } = options;
  editFile(tree, PLATFORM_SERVICES_FILE, 'PLATFORM_SERVICES or its name type', (text) => {
    const type = /(\bname:\s*(?:\|\s*)?)('[^']*'(?:\s*\|\s*'[^']*')*)(\s*;)/;
    const list = /(export const PLATFORM_SERVICES\b[^=]*=\s*\[)([\s\S]*?)(\s*\];)/;
    if (!type.test(text) || !list.test(text)) return null;
    return text
      .replace(type, (all, head: string, union: string, tail: string) =>
        union.includes(`'${name}'`) ? all : `${head}${union} | '${name}'${tail}`,
      )
      .replace(list, (all, head: string, entries: string, tail: string) => {
        if (entries.includes(`name: '${name}'`)) return all;
        const comma = entries.trim() === '' || entries.trimEnd().endsWith(',') ? '' : ',';
        return `${head}${entries.trimEnd()}${comma}\n  { name: '${name}', port: ${port}, tier: ${tier} },${tail}`;
      });
  });
}

/**
 * With `--store postgres`: the database `rc_<name>` and its role where `npm run infra:up` and
 * Compose make them, and the role's password in .env.example (gen-env fills it in .env).
 */
export function addServiceDatabase(tree: Tree, options: NormalizedServiceOptions): void {
  const service = snake(options.name);
  const database = `rc_${service}`;
  editFile(tree, INFRA_SCRIPT, 'SERVICE_DATABASES=(…)', (text) =>
    appendToList(text, /^(SERVICE_DATABASES=\()([^)]*)(\))/m, database),
  );
  editFile(tree, COMPOSE_INIT_DATABASES, 'a CREATE DATABASE rc_…; line', (text) => {
    const lines = [...text.matchAll(/^CREATE DATABASE (rc_\w+);$/gm)];
    const last = lines.at(-1);
    if (!last) return null;
    if (lines.some((l) => l[1] === database)) return text;
    const end = last.index + last[0].length;
    return `${text.slice(0, end)}\nCREATE DATABASE ${database};${text.slice(end)}`;
  });
  editFile(tree, COMPOSE_SERVICE_DATABASES, 'the `for service in …; do` list', (text) =>
    appendToList(text, /^(for service in )([^;\n]*)(;)/m, service),
  );
  const secret = `RC_PG_${service.toUpperCase()}_PASSWORD`;
  editFile(tree, ENV_EXAMPLE, 'an RC_PG_<SERVICE>_PASSWORD= line', (text) => {
    const lines = [...text.matchAll(/^(RC_PG_[A-Z0-9_]+_PASSWORD)=.*$/gm)];
    const last = lines.at(-1);
    if (!last) return null;
    if (lines.some((l) => l[1] === secret)) return text;
    const end = last.index + last[0].length;
    return `${text.slice(0, end)}\n${secret}=${text.slice(end)}`;
  });
}

/** Files that exist only with one store (relative to the project root). */
const STORE_ONLY: Record<string, ServiceStore> = {
  'migrations/001_seen_orders.sql': 'postgres',
  'src/infrastructure/__fileName__.migrations.ts': 'postgres',
  'src/infrastructure/seen-orders.pg-store.ts': 'postgres',
  'src/infrastructure/seen-orders.redis-store.ts': 'redis',
  'src/infrastructure/seen-orders.memory-store.ts': 'none',
  'src/infrastructure/seen-orders.memory-store.spec.ts': 'none',
};

/**
 * The templates beside this file. Under Jest this file is CommonJS (`__dirname`); `nx g` loads it
 * through Node's own type stripping as an ES module, where there is no `__dirname` (and
 * `import.meta` would not compile for Jest), so it is found from the workspace root instead.
 */
function templatesDir(tree: Tree): string {
  return typeof __dirname === 'string'
    ? join(__dirname, 'files')
    : join(tree.root, 'tools', 'src', 'generators', 'service', 'files');
}

/**
 * `nx g @rc/tools:service <name> --tier <1-4> [--store postgres|redis|none]`: stamps out
 * `services/<name>` in the shape of the platform's services (see docs/SERVICE-TEMPLATE.md).
 */
export async function serviceGenerator(tree: Tree, schema: ServiceGeneratorSchema): Promise<void> {
  const options = normalizeOptions(tree, schema);
  const variables = templateVariables(options);
  generateFiles(tree, templatesDir(tree), options.projectRoot, variables);
  for (const [template, store] of Object.entries(STORE_ONLY)) {
    if (store === options.store) continue;
    const path = joinPathFragments(
      options.projectRoot,
      template.replace('__fileName__', variables.fileName),
    );
    tree.delete(path);
  }
  // Registered where the platform lists its services (its image in Compose, npm start, the
  // databases) only when it is one of them: a service generated elsewhere (the generator's
  // integration test) leaves the workspace's shared files alone.
  if (options.projectRoot === joinPathFragments('services', options.name)) {
    addComposeEntry(tree, options);
    addPlatformService(tree, options);
    if (options.store === 'postgres') addServiceDatabase(tree, options);
  }
  if (!options.skipFormat) await formatFiles(tree);
}

export default serviceGenerator;
