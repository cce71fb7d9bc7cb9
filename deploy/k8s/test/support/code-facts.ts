/**
 * Facts about the services, read from the code and the Compose file rather than restated here,
 * so a change in the code that the manifests do not follow fails a test: ports, config keys and
 * their defaults (each service's own zod schema, loaded from its source), secret keys, HTTP
 * dependencies, consumer groups, topics, health and API routes, Compose memory limits, tiers.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateServiceKeyPair, isSecret } from '@rc/platform';
import { parse as parseYaml } from 'yaml';

/** The repository root. */
export const ROOT = resolve(__dirname, '..', '..', '..', '..');

/** A service's zod config schema, as far as these tests use it. */
export interface ConfigSchema {
  shape: Record<string, unknown>;
  safeParse(input: unknown): {
    success: boolean;
    data?: Record<string, unknown>;
    error?: { issues: { path: PropertyKey[]; message: string }[] };
  };
}

/** What the code and the Compose file say about one service. */
export interface ServiceFacts {
  name: string;
  /** Default PORT of its config schema. */
  port: number;
  /** Degradation tier (deploy/prometheus/prometheus.yml labels each target with it). */
  tier: number;
  schema: ConfigSchema;
  /** Its config with every default (parsed from an empty environment). */
  defaults: Record<string, unknown>;
  /** Keys marked secret() in the schema. */
  secretKeys: string[];
  /** Whether it owns a Postgres database (DATABASE_URL in its schema). */
  hasDatabase: boolean;
  /** Services it calls over HTTP: its *_URL keys whose default port is another service's. */
  httpDependencies: string[];
  /** Kafka consumer groups (defaults of its *CONSUMER_GROUP keys). */
  consumerGroups: string[];
  /** Path prefixes of its own HTTP controllers (`/v1/checkout`, `/admin/dlq` …). */
  controllerPrefixes: string[];
  /** deploy.resources.limits.memory of its Compose container, in MiB. */
  composeMemoryMiB: number;
  /** deploy.resources.limits.cpus of its Compose container, if any. */
  composeCpus?: number;
  /** cpu_shares of its Compose container (Docker's default 1024 when unset): its tier weight. */
  composeCpuShares: number;
  /** stop_grace_period of its Compose container, in seconds. */
  composeStopGraceSeconds: number;
}

const NON_DEPENDENCY_URLS = new Set([
  'DATABASE_URL',
  'REDIS_URL',
  'REDIS_CACHE_URL',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return f.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(f) ? [path] : [];
  });
}

/** `@Controller('v1/x')` prefixes in the given files. */
function controllerPrefixes(files: string[]): string[] {
  return files.flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/@Controller\(\s*'([^']*)'\s*\)/g)].map((m) => `/${m[1]}`),
  );
}

/**
 * Values for the keys that have no default on purpose (each deployment makes its own service-
 * token keys and trusts its own identity provider), so the rest of a schema's defaults can be read.
 */
function requiredWithoutDefault(schema: ConfigSchema): Record<string, string> {
  const keys = generateServiceKeyPair();
  const values: Record<string, string> = {
    SERVICE_TOKEN_KEY: keys.privateKey,
    SERVICE_TOKEN_TRUSTED_KEYS: `checkout=${keys.publicKey}`,
    CUSTOMER_TOKEN_PUBLIC_KEYS: keys.publicKey,
  };
  return Object.fromEntries(Object.entries(values).filter(([key]) => key in schema.shape));
}

function loadSchema(name: string): ConfigSchema {
  const dir = join(ROOT, 'services', name, 'src', 'config');
  const file = readdirSync(dir).find((f) => f.endsWith('.config.ts'));
  if (!file) throw new Error(`services/${name} has no src/config/*.config.ts`);
  // The service's own schema module (a service is not a lib, so it is loaded by path).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(join(dir, file)) as Record<string, unknown>;
  const schema = Object.entries(mod).find(([k]) => k.endsWith('ConfigSchema'))?.[1];
  if (!schema) throw new Error(`${file} exports no *ConfigSchema`);
  return schema as ConfigSchema;
}

function composeServices(): Record<string, Record<string, unknown>> {
  const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
  const doc = parseYaml(text, { merge: true }) as {
    services: Record<string, Record<string, unknown>>;
  };
  return doc.services;
}

function mebibytes(limit: string): number {
  const m = /^(\d+)([KMG])i?B?$/i.exec(limit);
  if (!m) throw new Error(`unreadable memory limit ${limit}`);
  const unit = { K: 1 / 1024, M: 1, G: 1024 }[m[2]!.toUpperCase() as 'K' | 'M' | 'G'];
  return Number(m[1]) * unit;
}

function seconds(duration: string): number {
  const m = /^(\d+)(ms|s|m)$/.exec(duration);
  if (!m) throw new Error(`unreadable duration ${duration}`);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60 }[m[2] as 'ms' | 's' | 'm'];
}

/** Tier of each service from the Compose Prometheus scrape config. */
export function tiersFromPrometheus(): Map<string, number> {
  const doc = parseYaml(readFileSync(join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
    scrape_configs: { static_configs: { targets: string[]; labels: { tier: string } }[] }[];
  };
  const tiers = new Map<string, number>();
  for (const sc of doc.scrape_configs)
    for (const group of sc.static_configs)
      for (const t of group.targets) tiers.set(t.split(':')[0]!, Number(group.labels.tier));
  return tiers;
}

/**
 * Deployables these manifests leave out on purpose: the console (storefront + control room, tier
 * 4) is a tool for exploring the platform on one machine (`npm start`, Compose), which nothing
 * depends on; a cluster's operators have Grafana and the admin APIs behind their own access.
 */
const NOT_IN_KUBERNETES = ['console'];

let cached: ServiceFacts[] | undefined;

/**
 * Every deployable service (services/* with a package.json; the backend services' images are
 * built from the one deploy/docker/service.Dockerfile), read from the code.
 */
export function services(): ServiceFacts[] {
  if (cached) return cached;
  const names = readdirSync(join(ROOT, 'services')).filter(
    (n) =>
      readdirSync(join(ROOT, 'services', n)).includes('package.json') &&
      !NOT_IN_KUBERNETES.includes(n),
  );
  const compose = composeServices();
  const tiers = tiersFromPrometheus();
  const partial = names.map((name) => {
    const schema = loadSchema(name);
    const parsed = schema.safeParse(requiredWithoutDefault(schema));
    if (!parsed.success || !parsed.data) throw new Error(`${name}: its defaults do not parse`);
    const defaults = parsed.data;
    const c = compose[name];
    if (!c) throw new Error(`docker-compose.yml has no service ${name}`);
    const limits = (c.deploy as { resources?: { limits?: { memory?: string; cpus?: string } } })
      ?.resources?.limits;
    if (!limits?.memory) throw new Error(`docker-compose.yml: ${name} has no memory limit`);
    const tier = tiers.get(name);
    if (tier === undefined) throw new Error(`prometheus.yml gives ${name} no tier`);
    return {
      name,
      port: Number(defaults.PORT),
      tier,
      schema,
      defaults,
      secretKeys: Object.entries(schema.shape)
        .filter(([, s]) => isSecret(s as Parameters<typeof isSecret>[0]))
        .map(([k]) => k),
      hasDatabase: 'DATABASE_URL' in schema.shape,
      httpDependencies: [] as string[],
      consumerGroups: Object.keys(defaults)
        .filter((k) => k.endsWith('CONSUMER_GROUP'))
        .map((k) => String(defaults[k])),
      controllerPrefixes: controllerPrefixes(sourceFiles(join(ROOT, 'services', name, 'src'))),
      composeMemoryMiB: mebibytes(limits.memory),
      ...(limits.cpus ? { composeCpus: Number(limits.cpus) } : {}),
      composeCpuShares: Number(c.cpu_shares ?? 1024),
      composeStopGraceSeconds: seconds(String(c.stop_grace_period)),
    };
  });
  const byPort = new Map(partial.map((s) => [s.port, s.name]));
  for (const s of partial)
    for (const [key, value] of Object.entries(s.defaults)) {
      if (!key.endsWith('_URL') || NON_DEPENDENCY_URLS.has(key)) continue;
      const port = Number(new URL(String(value)).port);
      const target = byPort.get(port);
      if (!target) throw new Error(`${s.name}.${key}: no service listens on port ${port}`);
      s.httpDependencies.push(target);
    }
  cached = partial;
  return partial;
}

/** One service's facts. */
export function service(name: string): ServiceFacts {
  const s = services().find((x) => x.name === name);
  if (!s) throw new Error(`no service ${name}`);
  return s;
}

/** Paths of the platform's health routes, from libs/platform's HealthController. */
export function healthPaths(): { live: string; ready: string } {
  const text = readFileSync(join(ROOT, 'libs/platform/src/health/health.controller.ts'), 'utf8');
  const prefix = /@Controller\('([^']+)'\)/.exec(text)?.[1];
  const route = (method: string) =>
    new RegExp(`@Get\\('([^']+)'\\)[^;{]*?\\s${method}\\(`).exec(text)?.[1];
  const live = route('live');
  const ready = route('ready');
  if (!prefix || !live || !ready) throw new Error('HealthController routes not found');
  return { live: `/${prefix}/${live}`, ready: `/${prefix}/${ready}` };
}

/** Path prefixes that libs mount on every service (health, metrics, fault admin …). */
export function platformPrefixes(): string[] {
  return controllerPrefixes([
    ...sourceFiles(join(ROOT, 'libs/platform/src')),
    ...sourceFiles(join(ROOT, 'libs/resilience/src')),
  ]);
}

/** Every `*.ts` source file (no tests) of services/<name>/src. */
export function serviceSources(name: string): string[] {
  return sourceFiles(join(ROOT, 'services', name, 'src'));
}
