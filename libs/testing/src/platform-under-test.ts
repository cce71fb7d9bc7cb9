import { nicenessOf, type PlatformService, PLATFORM_SERVICES } from './platform-services';
import { ServiceProcess } from './service-process';
import { TEST_KAFKA_FETCH_MAX_WAIT_MS, testEnv } from './config/test-env';
import { acquirePlatformLock } from './platform-lock';
import { customerTokenEnv, serviceTokenEnv, testServiceKeyPair } from './service-token-keys';

/** The admin API listens on the service's port + this (the platform's `ADMIN_PORT` default). */
const ADMIN_PORT_OFFSET = 1000;

type ServiceName = PlatformService['name'];

/** Options for {@link PlatformUnderTest}. */
export interface PlatformUnderTestOptions {
  /** Repository root. */
  root: string;
  /**
   * Ports are `portBase + offset` (checkout +0 … analytics +5, a service added since +6 …), apart
   * from a developer's `npm start`.
   */
  portBase?: number;
  /** Which services to run (default: all of PLATFORM_SERVICES). */
  only?: readonly ServiceName[];
  /** Extra environment per service (merged over the defaults). */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Admin token for the fault-injection APIs. */
  adminToken?: string;
  /**
   * How long {@link PlatformUnderTest.start} waits for another platform run (another suite, a
   * benchmark) to end: runs share the databases, topics and consumer groups, so they take turns
   * on a Postgres advisory lock. Default 100 s.
   */
  lockWaitMs?: number;
  /**
   * Lower tiers at a lower CPU priority, the edge above its tier ({@link nicenessOf}; default true). False runs every
   * service at the default priority (the benchmark compares both).
   */
  tierPriority?: boolean;
  /** Whether to take the platform lock at all (default true; false for stand-in processes). */
  exclusive?: boolean;
}

/**
 * Port offsets of the six services. A service appended to PLATFORM_SERVICES since (the service
 * generator appends one) takes the next one, 6 onwards in table order: the suites' port bases are
 * 10 apart, so up to four fit.
 */
const OFFSETS: Partial<Record<ServiceName, number>> = {
  checkout: 0,
  cart: 1,
  payment: 2,
  inventory: 3,
  recommendations: 4,
  analytics: 5,
};
const ADDED = PLATFORM_SERVICES.map((s) => s.name).filter((name) => OFFSETS[name] === undefined);

/** The port offset of a service (see {@link OFFSETS}). */
function offsetOf(name: ServiceName): number {
  return OFFSETS[name] ?? 6 + ADDED.indexOf(name);
}

/**
 * The whole platform as real processes for an end-to-end suite: each service started from its
 * production build with its own database, wired to the others by URL, and killable/restartable
 * one by one.
 */
export class PlatformUnderTest {
  readonly adminToken: string;
  /**
   * Checkout's service-token key pair of this run (generated): tests that call inventory's or
   * payment's internal routes directly sign tokens with `privateKey` as checkout.
   */
  readonly checkoutServiceKey = testServiceKeyPair();
  /** Inventory's service-token key pair of this run (its expiry worker reads checkout's orders). */
  readonly inventoryServiceKey = testServiceKeyPair();
  /**
   * The identity provider's key pair of this run (generated): checkout and cart trust its public
   * key; tests and load generators sign customer tokens with `privateKey`.
   */
  readonly identityKey = testServiceKeyPair();
  private readonly processes = new Map<ServiceName, ServiceProcess>();
  private lock: { release: () => Promise<void> } | undefined;

  constructor(private readonly options: PlatformUnderTestOptions) {
    this.adminToken = options.adminToken ?? 'e2e-admin-token-0123456789';
    for (const service of PLATFORM_SERVICES) {
      if (options.only && !options.only.includes(service.name)) continue;
      this.processes.set(
        service.name,
        new ServiceProcess({
          name: service.name,
          root: options.root,
          port: this.port(service.name),
          env: { ...this.defaultEnv(service.name), ...options.env?.[service.name] },
          readyTimeoutMs: 60_000,
          niceness: this.nicenessOf(service.name),
        }),
      );
    }
  }

  private nicenessOf(name: ServiceName): number {
    if (this.options.tierPriority === false) return 0;
    return nicenessOf(PLATFORM_SERVICES.find((s) => s.name === name)!);
  }

  /** The port a service listens on in this run. */
  port(name: ServiceName): number {
    return (this.options.portBase ?? 3100) + offsetOf(name);
  }

  /** Base URL of a service, e.g. `http://127.0.0.1:3100`. */
  url(name: ServiceName): string {
    return `http://127.0.0.1:${this.port(name)}`;
  }

  /**
   * Base URL of a service's admin API (`/admin/*`, e.g. `http://127.0.0.1:4100`): its own port,
   * the service's port + 1000 (the platform default; see `ADMIN_PORT`), on loopback.
   */
  adminUrl(name: ServiceName): string {
    return `http://127.0.0.1:${this.port(name) + ADMIN_PORT_OFFSET}`;
  }

  /** The process of one service. */
  service(name: ServiceName): ServiceProcess {
    const svc = this.processes.get(name);
    if (!svc) throw new Error(`${name} is not part of this platform run`);
    return svc;
  }

  /**
   * Stops one service and starts it again with `env` merged over its environment (e.g. a
   * feature switched off for a comparison run).
   */
  async restartWith(name: ServiceName, env: Record<string, string>): Promise<void> {
    await this.service(name).stop('SIGTERM', 15_000);
    const port = this.port(name);
    this.processes.set(
      name,
      new ServiceProcess({
        name,
        root: this.options.root,
        port,
        env: { ...this.defaultEnv(name), ...this.options.env?.[name], ...env },
        readyTimeoutMs: 60_000,
        niceness: this.nicenessOf(name),
      }),
    );
    await this.service(name).start();
  }

  /**
   * Takes the platform lock (waiting for any other platform run to end), then starts every
   * service in parallel (readiness checks only a service's own dependencies).
   */
  async start(): Promise<void> {
    if (this.options.exclusive !== false)
      this.lock ??= await acquirePlatformLock({
        databaseUrl: testEnv().databaseUrl,
        label: `rc-platform pid=${process.pid} ports=${this.port('checkout')}+`,
        waitMs: this.options.lockWaitMs ?? 100_000,
      });
    try {
      await Promise.all([...this.processes.values()].map((p) => p.start()));
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /** Stops every running service gracefully, then lets the next platform run start. */
  async stop(): Promise<void> {
    try {
      await Promise.all([...this.processes.values()].map((p) => p.stop('SIGTERM', 15_000)));
    } finally {
      const lock = this.lock;
      this.lock = undefined;
      await lock?.release();
    }
  }

  private defaultEnv(name: ServiceName): Record<string, string> {
    const env = testEnv();
    const common: Record<string, string> = {
      SERVICE_NAME: name,
      LOG_LEVEL: 'info',
      REDIS_URL: env.redisUrl,
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
      ADMIN_TOKEN: this.adminToken,
      // Experiments burn CPU and crash processes through the admin API (cpu, exit rules).
      ALLOW_DESTRUCTIVE_FAULTS: 'true',
      // Tests stop and restart services often; a consumer's stop waits for its fetch in flight.
      KAFKA_FETCH_MAX_WAIT_MS: TEST_KAFKA_FETCH_MAX_WAIT_MS,
    };
    const database = (db: string) => ({ DATABASE_URL: withDatabase(env.databaseUrl, db) });
    const tokens = serviceTokenEnv(this.checkoutServiceKey, this.inventoryServiceKey);
    const customers = customerTokenEnv(this.identityKey.publicKey);
    switch (name) {
      case 'checkout':
        return {
          ...common,
          ...database('rc_checkout'),
          ...tokens.checkout,
          ...customers.checkout,
          INVENTORY_URL: this.url('inventory'),
          PAYMENT_URL: this.url('payment'),
          CART_URL: this.url('cart'),
          RECOMMENDATIONS_URL: this.url('recommendations'),
        };
      case 'payment':
        return { ...common, ...database('rc_payment'), ...tokens.payment };
      case 'inventory':
        return {
          ...common,
          ...database('rc_inventory'),
          ...tokens.inventory,
          CHECKOUT_URL: this.url('checkout'),
        };
      case 'analytics':
        return { ...common, ...database('rc_analytics') };
      case 'recommendations':
        return { ...common, REDIS_CACHE_URL: env.redisCacheUrl };
      case 'cart':
        return { ...common, ...customers.cart };
      default:
        return common;
    }
  }
}

/** The same server URL pointing at another database. */
function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
