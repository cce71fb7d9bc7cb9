import { join } from 'node:path';
import { Pool } from 'pg';
import { CustomerTokenIssuer, servicePrivateKey, ServiceTokenSigner } from '@rc/platform';
import {
  type PlatformService,
  PlatformUnderTest,
  requireKafka,
  requirePostgres,
  requireRedis,
  testEnv,
} from '@rc/testing';
import { call, type JsonResponse, signCustomersWith } from './http';
import { PLATFORM_CONSUMER_GROUPS, waitForGroupsCaughtUp } from './kafka-events';

/** Repository root (e2e/platform/test/support → ../../../..). */
export const ROOT = join(__dirname, '..', '..', '..', '..');

/** How long a suite waits for another platform run; `beforeAll` timeouts add start-up on top. */
export const LOCK_WAIT_MS = 240_000;

/** How long a suite lets the shared consumer groups work off a backlog left by an earlier run. */
export const CATCH_UP_MS = 180_000;

/** The `beforeAll` timeout of a suite that starts the platform (lock wait, start-up, catch-up). */
export const START_TIMEOUT_MS = LOCK_WAIT_MS + 120_000 + CATCH_UP_MS;

/** Fails fast, with how to start it, when Postgres, Redis or the Kafka broker is not reachable. */
export async function requireInfrastructure(): Promise<void> {
  await Promise.all([requirePostgres(), requireRedis(), requireKafka()]);
}

/** A service of PLATFORM_SERVICES (the six, and any the service generator added since). */
type Name = PlatformService['name'];

/**
 * One platform run for a suite: the six services as processes, plus direct database access to
 * check what was (or was not) written, plus helpers for the fault-injection admin APIs.
 */
export class E2EPlatform {
  readonly platform: PlatformUnderTest;
  private readonly pools = new Map<string, Pool>();
  private readonly checkoutTokens: ServiceTokenSigner;
  /** Signs customer tokens the run's checkout and cart trust (its identity provider). */
  readonly customers: CustomerTokenIssuer;

  constructor(
    portBase: number,
    env: ConstructorParameters<typeof PlatformUnderTest>[0]['env'] = {},
  ) {
    // Another suite or a benchmark on this machine may hold the platform lock for a few minutes.
    this.platform = new PlatformUnderTest({ root: ROOT, portBase, env, lockWaitMs: LOCK_WAIT_MS });
    this.checkoutTokens = new ServiceTokenSigner({
      issuer: 'checkout',
      key: servicePrivateKey(this.platform.checkoutServiceKey.privateKey),
    });
    this.customers = CustomerTokenIssuer.fromKeyPair(this.platform.identityKey);
    // Requests of this run sign in as the customer they name (see `call`).
    const tokens = new Map<string, Promise<string>>();
    signCustomersWith(
      (customerId) => {
        let token = tokens.get(customerId);
        if (!token) tokens.set(customerId, (token = this.customers.issue(customerId, 3_600)));
        return token;
      },
      (url) => url.startsWith(this.url('checkout', '/')) || url.startsWith(this.url('cart', '/')),
    );
  }

  /**
   * Headers of a request as checkout to `audience`'s internal routes (inventory's reservations,
   * payment's payments admit platform services only): a service token signed with this run's key.
   */
  async asCheckout(audience: 'inventory' | 'payment'): Promise<Record<string, string>> {
    return { authorization: await this.checkoutTokens.authorizationFor(audience) };
  }

  /**
   * Starts the platform, then waits until every consumer has joined its group and worked off any
   * backlog an earlier run left in the shared groups (e.g. a benchmark stopped mid-stream), so
   * every suite starts from lag 0 with its events consumed as they are published.
   */
  async start(): Promise<void> {
    await requireInfrastructure();
    await this.platform.start();
    await waitForGroupsCaughtUp(PLATFORM_CONSUMER_GROUPS, {
      timeoutMs: CATCH_UP_MS,
      requireMembers: true,
      onProgress: (m) => process.stderr.write(`[e2e] ${m}\n`),
    });
  }

  async stop(): Promise<void> {
    await this.platform.stop();
    await Promise.all([...this.pools.values()].map((p) => p.end()));
  }

  url(name: Name, path = ''): string {
    return `${this.platform.url(name)}${path}`;
  }

  /** A URL on a service's admin API (its own port, off the public one). */
  adminUrl(name: Name, path = ''): string {
    return `${this.platform.adminUrl(name)}${path}`;
  }

  /** Rows from a service's own database (`rc_<service>`). */
  async sql<T extends Record<string, unknown>>(
    db: 'checkout' | 'payment' | 'inventory' | 'analytics',
    text: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    let pool = this.pools.get(db);
    if (!pool) {
      const u = new URL(testEnv().databaseUrl);
      u.pathname = `/rc_${db}`;
      pool = new Pool({ connectionString: u.toString(), max: 2 });
      this.pools.set(db, pool);
    }
    return (await pool.query<T>(text, params)).rows;
  }

  /** Replaces the fault rules of a service through its admin API. */
  async setFaults(name: Name, rules: unknown[]): Promise<JsonResponse> {
    const res = await call('PUT', this.adminUrl(name, '/admin/faults'), {
      body: { rules },
      headers: { authorization: `Bearer ${this.platform.adminToken}` },
    });
    if (res.status !== 200)
      throw new Error(
        `setting faults on ${name} failed: ${res.status} ${JSON.stringify(res.body)}`,
      );
    return res;
  }

  /** Turns every fault of a service off. */
  async clearFaults(name: Name): Promise<void> {
    const res = await call('DELETE', this.adminUrl(name, '/admin/faults'), {
      headers: { authorization: `Bearer ${this.platform.adminToken}` },
    });
    if (res.status !== 204) throw new Error(`clearing faults on ${name} failed: ${res.status}`);
  }

  /** A product with at least `min` units available. */
  async productWithStock(
    min: number,
    exclude: string[] = [],
  ): Promise<{ sku: string; price: number; available: number }> {
    const res = await call('GET', this.url('inventory', '/v1/products'));
    const items = res.body.items as { sku: string; price: number; available: number }[];
    const found = items
      .filter((p) => p.available >= min && !exclude.includes(p.sku))
      .sort((a, b) => b.available - a.available)[0];
    if (!found) throw new Error(`no product with ${min} units available`);
    return found;
  }

  /** Units of `sku` available now. */
  async available(sku: string): Promise<number> {
    const res = await call('GET', this.url('inventory', `/v1/products/${sku}`));
    return res.body.available as number;
  }
}
