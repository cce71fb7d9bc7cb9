// The environment a service's production build is started with by ../check-prod-start.mjs: the
// image's ENV, then the service's `environment:` in docker-compose.yml with every Compose host
// turned into the loopback infrastructure, then what this run owns — a fresh database, fresh
// random secrets, its own Kafka consumer groups, a free port on 127.0.0.1. Pure: randomness and
// names come in as arguments.
import { interpolateDefaults } from './compose-model.mjs';

/** `host:port` of a URL such as `postgres://u@127.0.0.1:5432/db` (with the scheme's default port). */
function hostPort(url, defaultPort) {
  const u = new URL(url);
  return `${u.hostname}:${u.port || defaultPort}`;
}

/**
 * Where each Compose host is reached from this machine: the infrastructure containers (by
 * image: postgres, redis, kafka) at the loopback servers of `infra` — a Redis container named
 * for a cache (`redis-cache`) at the cache Redis —, any other container at 127.0.0.1 on the same
 * port (nothing listens there: the check starts one service at a time).
 * @param {Record<string, {image?: string}>} composeServices
 * @param {{databaseUrl: string, redisUrl: string, redisCacheUrl?: string, kafkaBrokers: string[]}} infra
 * @returns {(host: string, port?: string) => string | undefined} `host:port` (or host) to use
 */
export function loopbackResolver(composeServices, infra) {
  const infraOf = {
    postgres: hostPort(infra.databaseUrl, '5432'),
    redis: hostPort(infra.redisUrl, '6379'),
    kafka: infra.kafkaBrokers[0],
  };
  return (host, port) => {
    const service = composeServices[host];
    if (!service) return undefined;
    const kind = Object.keys(infraOf).find((k) => String(service.image ?? '').includes(k));
    if (kind === 'redis' && /cache/.test(host) && infra.redisCacheUrl)
      return hostPort(infra.redisCacheUrl, '6379');
    if (kind) return infraOf[kind];
    return port ? `127.0.0.1:${port}` : '127.0.0.1';
  };
}

/**
 * A Compose value with the Compose hosts it names replaced: the host of a URL
 * (`scheme://[user@]host[:port]…`) or of a `host:port[,host:port]` list. Other values (a
 * SERVICE_NAME that is also a container's name) stay as they are.
 */
export function localize(value, resolve) {
  const text = interpolateDefaults(value);
  const swap = (whole, host, port) => resolve(host, port) ?? whole;
  if (/^[\w.-]+:\d+(,[\w.-]+:\d+)*$/.test(text)) {
    return text.replace(/([\w.-]+):(\d+)/g, (whole, host, port) => swap(whole, host, port));
  }
  return text.replace(
    /^([a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?)([\w.-]+)(?::(\d+))?/i,
    (whole, lead, host, port) => lead + swap(whole.slice(lead.length), host, port),
  );
}

/** The owner of the identity provider's key pair in `keyPairOf` (not a service's name). */
export const IDENTITY_PROVIDER = 'identity-provider';

/**
 * Keys holding Ed25519 keys (see libs/platform's auth), filled with real keys of this run, never
 * random bytes: a signer's private key, the public keys of the callers a callee trusts, and the
 * identity provider's public key.
 */
const KEY_PAIR_KEYS = [
  'SERVICE_TOKEN_KEY',
  'SERVICE_TOKEN_TRUSTED_KEYS',
  'CUSTOMER_TOKEN_PUBLIC_KEYS',
];

/** Keys listing customers' tokens (the console's `CONSOLE_CUSTOMER_TOKENS`): real tokens, not random bytes. */
const CUSTOMER_TOKENS_KEY = /CUSTOMER_TOKENS$/;

/**
 * The callers a Compose `SERVICE_TOKEN_TRUSTED_KEYS` value names (`checkout=${…},inventory=…`),
 * in order, without duplicates.
 */
export function trustedCallers(value) {
  if (value === undefined || value === null) return [];
  const names = [...String(value).matchAll(/(?:^|,)\s*([a-z][\w-]*)=/gi)].map((m) => m[1]);
  return [...new Set(names)];
}

/**
 * The environment of one start.
 * @param {{
 *   imageEnv: Record<string, string>, composeEnv: Record<string, unknown>,
 *   resolve: (host: string, port?: string) => string | undefined,
 *   schemaKeys: Set<string>, secrets: Set<string>, database?: string, groupSuffix: string,
 *   port: number, randomSecret: () => string, otlpEndpoint?: string,
 *   keyPairOf?: (owner: string) => {privateKey: string, publicKey: string},
 *   customerTokens?: string[],
 * }} input `otlpEndpoint`: where OTLP exports go instead (a loopback collector stand-in);
 *   `keyPairOf`: this run's Ed25519 pair (base64 DER) of a service, or of {@link IDENTITY_PROVIDER}
 *   — the same pair for the same owner across the run's services, so a signer and the services
 *   trusting it agree; `customerTokens`: tokens of a few customers signed by that identity
 *   provider's pair, for the keys that list customers' tokens
 * @returns {{env: Record<string, string>, notes: string[]}} `notes` name what was set and why
 *   (never a secret's value)
 */
export function startEnvironment(input) {
  const { imageEnv, composeEnv, resolve, schemaKeys, secrets, database, groupSuffix, port } = input;
  const env = { ...imageEnv };
  for (const [key, value] of Object.entries(composeEnv)) {
    if (value !== undefined && value !== null) env[key] = localize(String(value), resolve);
  }
  const notes = [];
  if (env.DATABASE_URL && database) {
    const url = new URL(env.DATABASE_URL);
    url.pathname = `/${database}`;
    env.DATABASE_URL = url.toString();
    notes.push(`DATABASE_URL: a fresh database ${database} (dropped afterwards)`);
  }
  // A secret URL (a password inside it) must reach the real server: it keeps its Compose value.
  const secretNames = [...secrets]
    .filter(
      (k) =>
        !/^[a-z][\w+.-]*:\/\//i.test(env[k] ?? '') &&
        !KEY_PAIR_KEYS.includes(k) &&
        !(CUSTOMER_TOKENS_KEY.test(k) && input.customerTokens),
    )
    .sort();
  for (const key of secretNames) env[key] = input.randomSecret();
  if (secretNames.length > 0) notes.push(`${secretNames.join(', ')}: random per run`);
  // Key-pair keys must be real keys, and the same pair wherever one owner's key appears.
  if (input.keyPairOf) notes.push(...fillKeyPairs(env, input, composeEnv));
  for (const key of [...schemaKeys].filter((k) => CUSTOMER_TOKENS_KEY.test(k)).sort()) {
    if (!input.customerTokens) continue;
    env[key] = input.customerTokens.join(',');
    notes.push(
      `${key}: ${input.customerTokens.length} customers' tokens, signed by this run's identity provider`,
    );
  }
  for (const key of [...schemaKeys].filter((k) => /CONSUMER_GROUP$/.test(k)).sort()) {
    env[key] = `${String(env.SERVICE_NAME ?? 'service')}-${groupSuffix}`;
    notes.push(
      `${key}=${env[key]}: its own group, placed at the end of every topic (deleted afterwards)`,
    );
  }
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT && input.otlpEndpoint) {
    env.OTEL_EXPORTER_OTLP_ENDPOINT = input.otlpEndpoint;
    notes.push(
      `OTEL_EXPORTER_OTLP_ENDPOINT=${input.otlpEndpoint}: a loopback OTLP sink in the collector's place`,
    );
  }
  // Loopback only: the image listens on 0.0.0.0 inside its own network namespace.
  // The admin API likewise: any free port, on loopback (Compose opens it to its network).
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    ADMIN_PORT: '0',
    ADMIN_HOST: '127.0.0.1',
  });
  notes.push(
    `PORT=${port} (free), HOST=127.0.0.1 (the image's ${imageEnv.HOST ?? 'HOST'} would listen on every interface here)`,
    'ADMIN_PORT=0 (any free port), ADMIN_HOST=127.0.0.1',
  );
  return { env, notes };
}

/**
 * Fills the key-pair keys of the schema with this run's pairs: `SERVICE_TOKEN_KEY` with the
 * service's own private key (its name: SERVICE_NAME), `SERVICE_TOKEN_TRUSTED_KEYS` with the
 * public key of each caller its Compose value names (none named: left as Compose has it, so the
 * start refuses naming the key, as the container would), `CUSTOMER_TOKEN_PUBLIC_KEYS` with the
 * identity provider's public key. Returns the notes (whose keys, never a value).
 */
function fillKeyPairs(env, input, composeEnv) {
  const { schemaKeys, keyPairOf } = input;
  const self = String(env.SERVICE_NAME ?? 'service');
  const notes = [];
  if (schemaKeys.has('SERVICE_TOKEN_KEY')) {
    env.SERVICE_TOKEN_KEY = keyPairOf(self).privateKey;
    notes.push(`SERVICE_TOKEN_KEY: ${self}'s private key of this run's Ed25519 pairs`);
  }
  const callers = trustedCallers(composeEnv.SERVICE_TOKEN_TRUSTED_KEYS);
  if (schemaKeys.has('SERVICE_TOKEN_TRUSTED_KEYS') && callers.length > 0) {
    env.SERVICE_TOKEN_TRUSTED_KEYS = callers
      .map((caller) => `${caller}=${keyPairOf(caller).publicKey}`)
      .join(',');
    notes.push(
      `SERVICE_TOKEN_TRUSTED_KEYS=${callers.map((c) => `${c}=<the public key of this run's ${c} pair>`).join(',')}`,
    );
  }
  if (schemaKeys.has('CUSTOMER_TOKEN_PUBLIC_KEYS')) {
    env.CUSTOMER_TOKEN_PUBLIC_KEYS = keyPairOf(IDENTITY_PROVIDER).publicKey;
    notes.push(`CUSTOMER_TOKEN_PUBLIC_KEYS: the public key of this run's identity provider`);
  }
  return notes;
}
