/**
 * The six services as the AWS blueprint deploys them. Ports, memory limits and stop grace come
 * from docker-compose.yml (read at synth time), so the blueprint follows the code's own
 * deployment facts; tiers, dependencies and stores are the architecture's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** One deployable service. */
export interface ServiceSpec {
  name: string;
  tier: 1 | 2 | 3 | 4;
  port: number;
  /** Compose memory limit in MiB: the container's hard limit here. */
  memoryMiB: number;
  /** Compose stop_grace_period in seconds: ECS stopTimeout. */
  stopGraceSeconds: number;
  /** Owns a Postgres database (its own Aurora cluster). */
  database: boolean;
  /**
   * Redis roles it reaches: the noeviction `state` store (REDIS_URL: carts, the model,
   * rate-limit buckets) for every service but payment, which keeps nothing in Redis; the
   * evicting `cache` too when it keeps a response cache (REDIS_CACHE_URL).
   */
  redis: ('state' | 'cache')[];
  /** Services it calls over HTTP (config key <NAME>_URL). */
  calls: string[];
  /** Public /v1 path prefixes routed by the API. */
  publicPaths: string[];
  /** Secret keys of its config schema (generated into Secrets Manager). */
  secretKeys: string[];
  /**
   * Config keys read from secrets the operator creates before deploying (Secrets Manager cannot
   * generate an Ed25519 key pair; the identity provider's public keys are the provider's):
   * config key → secret name. See the README, "Before `cdk deploy`".
   */
  providedSecrets?: Record<string, string>;
  /** Kafka consumer group, for scaling on lag. */
  consumerGroup?: string;
}

/**
 * The secrets of the service-token key pairs, created by the operator. Checkout signs with its
 * private key (base64 PKCS#8 DER) for inventory and payment, which trust `checkout=<base64 SPKI
 * DER>`; inventory signs its expiry worker's order reads with its own, which checkout trusts as
 * `inventory=<base64 SPKI DER>`.
 */
export const SERVICE_TOKEN_SECRETS = {
  /** Checkout's private key. */
  privateKey: 'rc/checkout/service-token-key',
  /** `checkout=<public key>`: what inventory and payment trust. */
  trustedKeys: 'rc/service-token-trusted-keys',
  /** Inventory's private key. */
  inventoryPrivateKey: 'rc/inventory/service-token-key',
  /** `inventory=<public key>`: what checkout trusts. */
  checkoutTrustedKeys: 'rc/checkout/service-token-trusted-keys',
} as const;

/**
 * The identity provider's public keys (base64 SPKI DER, comma-separated during a rotation), the
 * `CUSTOMER_TOKEN_PUBLIC_KEYS` of checkout and cart; created by the operator from the provider's.
 */
export const CUSTOMER_TOKEN_SECRET = 'rc/identity-provider/public-keys';

/**
 * `TRUST_PROXY` of the services with public routes: the request comes from the internal ALB,
 * which appends the VPC link's address to the `X-Forwarded-For` API Gateway wrote the client's
 * address into, so the client is two trusted hops back (the bucket of anonymous requests).
 */
export const PUBLIC_TRUST_PROXY = '2';

const DESIGN: Omit<ServiceSpec, 'port' | 'memoryMiB' | 'stopGraceSeconds'>[] = [
  {
    name: 'checkout',
    tier: 1,
    database: true,
    redis: ['state'],
    calls: ['inventory', 'payment', 'cart', 'recommendations'],
    publicPaths: ['/v1/checkout', '/v1/orders'],
    secretKeys: ['ADMIN_TOKEN', 'IDEMPOTENCY_FINGERPRINT_KEY'],
    providedSecrets: {
      SERVICE_TOKEN_KEY: SERVICE_TOKEN_SECRETS.privateKey,
      SERVICE_TOKEN_TRUSTED_KEYS: SERVICE_TOKEN_SECRETS.checkoutTrustedKeys,
      CUSTOMER_TOKEN_PUBLIC_KEYS: CUSTOMER_TOKEN_SECRET,
    },
  },
  {
    name: 'payment',
    tier: 1,
    database: true,
    redis: [],
    calls: [],
    publicPaths: [],
    secretKeys: ['ADMIN_TOKEN', 'TOKEN_FINGERPRINT_SECRET'],
    providedSecrets: { SERVICE_TOKEN_TRUSTED_KEYS: SERVICE_TOKEN_SECRETS.trustedKeys },
  },
  {
    name: 'inventory',
    tier: 1,
    database: true,
    redis: ['state'],
    // The reservation-expiry worker reads orders (with a service token) before releasing stock.
    calls: ['checkout'],
    publicPaths: [],
    secretKeys: ['ADMIN_TOKEN'],
    providedSecrets: {
      SERVICE_TOKEN_TRUSTED_KEYS: SERVICE_TOKEN_SECRETS.trustedKeys,
      SERVICE_TOKEN_KEY: SERVICE_TOKEN_SECRETS.inventoryPrivateKey,
    },
  },
  {
    name: 'cart',
    tier: 2,
    database: false,
    redis: ['state'],
    calls: [],
    publicPaths: ['/v1/carts'],
    secretKeys: ['ADMIN_TOKEN'],
    providedSecrets: { CUSTOMER_TOKEN_PUBLIC_KEYS: CUSTOMER_TOKEN_SECRET },
  },
  {
    name: 'recommendations',
    tier: 3,
    database: false,
    redis: ['state', 'cache'],
    calls: [],
    publicPaths: ['/v1/recommendations'],
    secretKeys: ['ADMIN_TOKEN'],
    consumerGroup: 'recommendations',
  },
  {
    name: 'analytics',
    tier: 4,
    database: true,
    redis: ['state'],
    calls: [],
    publicPaths: [],
    secretKeys: ['ADMIN_TOKEN'],
    consumerGroup: 'analytics',
  },
];

interface ComposeService {
  ports?: string[];
  stop_grace_period?: string;
  deploy?: { resources?: { limits?: { memory?: string } } };
}

/** The catalogue, with the Compose facts of `repoRoot`/docker-compose.yml filled in. */
export function catalogue(repoRoot: string): ServiceSpec[] {
  const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), {
    merge: true,
  }) as { services: Record<string, ComposeService> };
  return DESIGN.map((d) => {
    const c = compose.services[d.name];
    if (!c) throw new Error(`docker-compose.yml has no service ${d.name}`);
    const port = Number(/:(\d+)$/.exec(c.ports?.[0] ?? '')?.[1]);
    const memory = /^(\d+)M$/.exec(c.deploy?.resources?.limits?.memory ?? '')?.[1];
    const grace = /^(\d+)s$/.exec(c.stop_grace_period ?? '')?.[1];
    if (!port || !memory || !grace)
      throw new Error(`docker-compose.yml: ${d.name} lacks port, memory or grace`);
    return { ...d, port, memoryMiB: Number(memory), stopGraceSeconds: Number(grace) };
  });
}
