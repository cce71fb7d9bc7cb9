/**
 * The shared shape every backend service keeps, read from its source (not run): how it boots,
 * builds its inbound resilience, declares its config and runs its background work. Used by
 * `tools/test/service-shape.spec.ts` on every service the platform lists and on the generator's
 * output, so a service that drifts from the shape fails `npm test` naming what it stopped using.
 */

/** A service's source files: path relative to its folder (`src/main.ts`) → text. */
export type ServiceSources = ReadonlyMap<string, string>;

/**
 * Platform keys a service's config takes from `serviceKeys` (@rc/platform) when it has them,
 * never from a schema of its own: one definition, one default, one production check per key.
 */
export const PLATFORM_KEYS: Readonly<Record<string, string>> = {
  NODE_ENV: 'nodeEnv',
  DATABASE_URL: 'databaseUrl',
  DATABASE_POOL_MAX: 'databasePoolMax',
  REDIS_URL: 'redisUrl',
  KAFKA_BROKERS: 'kafkaBrokers',
  KAFKA_FETCH_MAX_WAIT_MS: 'kafkaFetchMaxWaitMs',
  RATE_LIMIT_PER_CLIENT_PER_SECOND: 'rateLimitPerClient',
  IDEMPOTENCY_TTL_SECONDS: 'idempotencyTtlSeconds',
  IDEMPOTENCY_LOCK_TIMEOUT_MS: 'idempotencyLockTimeout',
  FAULT_RULES: 'faultRules',
  ADMIN_TOKEN: 'adminToken',
  HOUSEKEEPING_INTERVAL_MS: 'housekeepingIntervalMs',
  OUTBOX_RETENTION_MS: 'outboxRetentionMs',
  INBOX_RETENTION_MS: 'inboxRetentionMs',
  SERVICE_TOKEN_KEY: 'serviceTokenKey',
  SERVICE_TOKEN_TRUSTED_KEYS: 'serviceTokenTrustedKeys',
};

/**
 * Platform keys a service still defines by hand, and which. The check fails on any other
 * hand-made platform key, and when a listed key has moved to `serviceKeys` (the entry goes too).
 */
export const HAND_DEFINED_KEY_EXCEPTIONS: Readonly<Record<string, readonly string[]>> = {};

const isProduction = (path: string) =>
  path.startsWith('src/') && path.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(path);

/** `import { … name … } from 'module'` (type-only or not) anywhere in `text`. */
function imports(text: string, name: string, module: string): boolean {
  const escaped = module.replace(/[/.]/g, '\\$&');
  const re = new RegExp(
    `import\\s+(?:type\\s+)?\\{[^}]*\\b${name}\\b[^}]*\\}\\s+from\\s+'${escaped}'`,
  );
  return re.test(text);
}

/** Whether an import of a `@nestjs/*` package comes before the import of `@rc/platform` (which `main` has). */
function nestImportedBeforePlatform(main: string): boolean {
  const nest = main.search(/(from|import)\s+'@nestjs\//);
  return nest >= 0 && nest < main.search(/from\s+'@rc\/platform'/);
}

/** The body of the config schema's `.extend({ … })` (up to its closing `})` at two spaces). */
function extendedKeys(config: string): string | undefined {
  const start = config.indexOf('.extend({');
  if (start < 0) return undefined;
  const end = config.indexOf('\n  })', start);
  return config.slice(start, end < 0 ? undefined : end);
}

/**
 * What a service's source lacks of the shared shape (empty when it has it all).
 * @param name the service's folder name (its files are `src/<name>.module.ts`, `src/config/<name>.config.ts`)
 */
export function serviceShapeProblems(
  name: string,
  sources: ServiceSources,
  handDefinedKeyExceptions: Readonly<
    Record<string, readonly string[]>
  > = HAND_DEFINED_KEY_EXCEPTIONS,
): string[] {
  const problems: string[] = [];
  const read = (path: string) => sources.get(path);
  const production = [...sources].filter(([path]) => isProduction(path));

  // Bootstrap: the platform's helper, and nothing else creates the Nest application.
  const main = read('src/main.ts');
  if (!main) problems.push('src/main.ts: missing');
  else if (!imports(main, 'runService', '@rc/platform') || !/\brunService\(/.test(main)) {
    problems.push("src/main.ts: does not boot with runService() from '@rc/platform'");
  } else if (nestImportedBeforePlatform(main)) {
    problems.push(
      "src/main.ts: imports a Nest package before '@rc/platform' (the platform loads @nestjs/common first: bootstrap/nest-common-preload)",
    );
  }
  for (const [path, text] of production) {
    if (/\bNestFactory\.create/.test(text)) {
      problems.push(
        `${path}: creates the Nest application itself (NestFactory); runService() does`,
      );
    }
  }

  // Inbound resilience: the one builder, in the root module.
  const modulePath = `src/${name}.module.ts`;
  const root = read(modulePath);
  if (!root) problems.push(`${modulePath}: missing`);
  else {
    if (
      !imports(root, 'inboundResilience', '@rc/resilience/nest') ||
      !/\binboundResilience\(/.test(root)
    ) {
      problems.push(
        `${modulePath}: does not build its ResilienceModule options with inboundResilience() from '@rc/resilience/nest'`,
      );
    }
    if (!/\bResilienceModule\.forRootAsync\(/.test(root)) {
      problems.push(`${modulePath}: does not import ResilienceModule.forRootAsync()`);
    }
  }
  for (const [path, text] of production) {
    const own = /\bnew (AdaptiveConcurrencyLimiter|RateLimiter)\(/.exec(text);
    if (own) {
      problems.push(
        `${path}: builds its own ${own[1]}; inboundResilience() makes the inbound one (state only what differs)`,
      );
    }
  }

  // Config: the platform's schema extended with the platform's keys.
  const configPath = `src/config/${name}.config.ts`;
  const config = read(configPath);
  const extended = config === undefined ? undefined : extendedKeys(config);
  if (!config) problems.push(`${configPath}: missing`);
  else if (!/\bplatformConfigSchema\s*\.extend\(\{/.test(config) || extended === undefined) {
    problems.push(`${configPath}: the schema is not platformConfigSchema.extend({ … })`);
  } else {
    const allowed = handDefinedKeyExceptions[name] ?? [];
    for (const [key, helper] of Object.entries(PLATFORM_KEYS)) {
      const m = new RegExp(`^\\s+${key}:\\s*(\\S+)`, 'm').exec(extended);
      const byHand = m !== null && !m[1]!.startsWith('serviceKeys.');
      if (byHand && !allowed.includes(key)) {
        problems.push(`${configPath}: ${key} is defined by hand; use serviceKeys.${helper}()`);
      } else if (!byHand && allowed.includes(key)) {
        problems.push(
          `${configPath}: ${key} is no longer defined by hand: remove it from HAND_DEFINED_KEY_EXCEPTIONS.${name}`,
        );
      }
    }
    for (const key of ['NODE_ENV', 'KAFKA_BROKERS']) {
      if (!new RegExp(`^\\s+${key}:`, 'm').test(extended)) {
        problems.push(`${configPath}: no ${key} (serviceKeys.${PLATFORM_KEYS[key]}())`);
      }
    }
    if (!/\.\.\.serviceKeys\.kafkaSecurity\(\)/.test(extended)) {
      problems.push(
        `${configPath}: the Kafka TLS/SASL keys are missing (...serviceKeys.kafkaSecurity())`,
      );
    }
  }

  // Background work, started one way: a Kafka consumer runs under BackgroundConsumer (which
  // also exits on a fatal error), periodic work on BackgroundLoop, and each runner is built,
  // started and given its stop (ShutdownRegistry) by the factory of the provider it is, never
  // from a lifecycle hook.
  const consumes = production.some(([, text]) => /\bnew EventConsumer\(/.test(text));
  const runner = production.some(([, text]) => /\bnew BackgroundConsumer\(/.test(text));
  if (consumes && !runner) {
    problems.push(
      "runs a Kafka consumer without BackgroundConsumer from '@rc/messaging' (it ensures the topics, retries the start with backoff while the service serves, and exits on a fatal error)",
    );
  }
  // Its fetch wait is the platform key (idle fetches against stop time), not a number of its own.
  if (consumes && extended !== undefined) {
    if (!/^\s+KAFKA_FETCH_MAX_WAIT_MS:/m.test(extended)) {
      problems.push(
        `${configPath}: runs a Kafka consumer without KAFKA_FETCH_MAX_WAIT_MS (serviceKeys.kafkaFetchMaxWaitMs())`,
      );
    } else if (
      !production.some(([, text]) =>
        /\bmaxWaitTimeMs:\s*config\.KAFKA_FETCH_MAX_WAIT_MS\b/.test(text),
      )
    ) {
      problems.push(
        'runs a Kafka consumer whose fetch wait is not its KAFKA_FETCH_MAX_WAIT_MS (maxWaitTimeMs: config.KAFKA_FETCH_MAX_WAIT_MS)',
      );
    }
  }
  for (const [path, text] of production) {
    const hook = /\b(onApplicationBootstrap|onModuleInit)\s*\(/.exec(text);
    if (hook) {
      problems.push(
        `${path}: has a Nest lifecycle hook (${hook[1]}); background work starts in its provider's factory, nowhere else`,
      );
    }
    if (/\bprocess\.exit\(/.test(text)) {
      problems.push(
        `${path}: ends the process itself (process.exit); BackgroundConsumer exits on a consumer's fatal error, runService on bad config`,
      );
    }
    const built = new Set(
      [...text.matchAll(/\bnew (BackgroundConsumer|OutboxRelay|\w+Worker)\(/g)].map((m) => m[1]!),
    );
    for (const kind of built) {
      if (!new RegExp(`\\bprovide:\\s*${kind}\\b`).test(text)) {
        problems.push(
          `${path}: builds a ${kind} outside its provider ({ provide: ${kind}, useFactory }), the one place background work starts`,
        );
      }
    }
    if (built.size > 0 && !/\.onShutdown\(/.test(text)) {
      problems.push(
        `${path}: starts background work without registering its stop (ShutdownRegistry.onShutdown)`,
      );
    }
    if (
      /^src\/infrastructure\/.*\.worker\.ts$/.test(path) &&
      !/\bnew BackgroundLoop\(/.test(text)
    ) {
      problems.push(`${path}: a periodic worker not run by BackgroundLoop from '@rc/platform'`);
    }
  }
  return problems;
}
