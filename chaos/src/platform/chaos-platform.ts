import { join } from 'node:path';
import { Pool } from 'pg';
import {
  customerTokenEnv,
  PlatformUnderTest,
  ServiceProcess,
  serviceTokenEnv,
  TEST_KAFKA_FETCH_MAX_WAIT_MS,
  testEnv,
} from '@rc/testing';
import { PROXIES, type ServiceName } from '../activities/catalogue';
import { FaultProxyServer } from '../proxy';
import { kafkaBrokerPid } from './kafka-broker-pid';
import { KafkaLag } from './kafka-lag';
import { SpanReceiver } from './span-receiver';

/** Options of {@link ChaosPlatform}. */
export interface ChaosPlatformOptions {
  /** Repository root. */
  root: string;
  /** Services on portBase+0…5, replicas on +10…15, proxies on +20…. Default 3300. */
  portBase?: number;
  /** Port of the toxiproxy-compatible API (toxiproxy's own default is 8474; 0 = any). */
  proxyApiPort?: number;
  /** How long to wait for another platform run (the e2e suites, the benchmark). */
  lockWaitMs?: number;
  /** Progress lines. */
  log?: (message: string) => void;
}

const OFFSETS: Record<ServiceName, number> = {
  checkout: 0,
  cart: 1,
  payment: 2,
  inventory: 3,
  recommendations: 4,
  analytics: 5,
};

type ProxyName = (typeof PROXIES)[number];

/**
 * The `kafka` proxy's fixed address: the broker's PROXIED listener (127.0.0.1:9094) advertises
 * it to clients (deploy/kafka/server.properties), so it cannot follow the run's port base.
 */
const KAFKA_PROXY_LISTEN = '127.0.0.1:9095';
const KAFKA_PROXIED_LISTENER = '127.0.0.1:9094';

/** A service database the harness reads (`rc_<name>`). */
export type Database = 'checkout' | 'payment' | 'inventory' | 'analytics';

/**
 * Settings every chaos run gives checkout, so recovery happens within an experiment: a 3 s
 * deadline cap and a 6 s stale period (the schema requires stale > max deadline), looked at
 * every second. Production keeps its own defaults; docs/CHAOS.md says why these differ.
 */
const CHECKOUT_CHAOS_ENV = {
  CHECKOUT_MAX_DEADLINE_MS: '3000',
  RECOVERY_STALE_AFTER_MS: '6000',
  RECOVERY_INTERVAL_MS: '1000',
  IDEMPOTENCY_LOCK_TIMEOUT_MS: '10000',
};

/**
 * The platform as processes for chaos experiments: the six services of `PlatformUnderTest`
 * (same builds, same databases, same platform lock as the e2e suites), with a fault proxy in
 * every path an experiment may cut — checkout → inventory/payment/cart/recommendations, every
 * service → Redis, checkout/payment/inventory → Postgres, every service → Kafka. A broker hands
 * clients the address of the listener they came in on, so the services bootstrap on the
 * broker's PROXIED listener ({@link KAFKA_PROXY_LISTEN}, advertised by
 * deploy/kafka/server.properties), where the `kafka` proxy listens and forwards to the broker:
 * every Kafka connection of a service stays inside the proxy. The harness's own Kafka clients
 * (lag) go to the broker directly. Extra replicas start on their own ports with the same
 * environment.
 */
export class ChaosPlatform {
  readonly proxies = new FaultProxyServer();
  readonly lag = new KafkaLag(testEnv().kafkaBrokers);
  readonly replicas = new Map<string, ServiceProcess>();
  readonly spans = new SpanReceiver();
  proxyApiUrl = '';
  /** Where services export traces when an experiment asks (`${otlp_endpoint}`). */
  otlpEndpoint = '';
  private platform: PlatformUnderTest | undefined;
  private readonly pools = new Map<string, Pool>();
  private readonly portBase: number;
  private readonly overrides = new Map<ServiceName, Record<string, string>>();

  constructor(private readonly options: ChaosPlatformOptions) {
    this.portBase = options.portBase ?? 3300;
  }

  /** The admin token of this run's services (never logged or reported). */
  /** The identity provider's key pair of the run: load generators sign customers in with it. */
  get identityKey(): { privateKey: string; publicKey: string } {
    return this.under().identityKey;
  }

  get adminToken(): string {
    return this.under().adminToken;
  }

  /** Starts the proxies, then the platform (waiting for the platform lock). */
  async start(): Promise<void> {
    const log = this.options.log ?? (() => undefined);
    this.proxyApiUrl = await this.proxies
      .listen(this.options.proxyApiPort ?? 8474)
      .catch(() => this.proxies.listen(0));
    log(`fault proxy API (toxiproxy) on ${this.proxyApiUrl}`);
    this.otlpEndpoint = await this.spans.start();
    for (const [i, name] of PROXIES.entries()) {
      await this.proxies.createProxy({
        name,
        listen: name === 'kafka' ? KAFKA_PROXY_LISTEN : `127.0.0.1:${this.portBase + 20 + i}`,
        upstream: this.upstreamOf(name),
      });
    }
    this.platform = new PlatformUnderTest({
      root: this.options.root,
      portBase: this.portBase,
      lockWaitMs: this.options.lockWaitMs ?? 600_000,
      env: Object.fromEntries(
        (Object.keys(OFFSETS) as ServiceName[]).map((s) => [s, this.envOf(s)]),
      ),
    });
    log('starting the platform (six services) …');
    await this.platform.start();
    log('waiting for the consumer groups to have no lag …');
    await this.lag.waitCaughtUp(180_000, log);
  }

  /** Stops replicas, the platform, the proxies and the pools. */
  async stop(): Promise<void> {
    await this.stopReplicas();
    await this.platform?.stop();
    await this.proxies.close();
    await this.spans.stop();
    await this.lag.close();
    await Promise.all([...this.pools.values()].map((p) => p.end()));
    this.pools.clear();
  }

  /** Base URL of a service's primary instance. */
  url(service: ServiceName): string {
    return `http://127.0.0.1:${this.portBase + OFFSETS[service]}`;
  }

  /** Base URL of a service's admin API (`/admin/faults`), on its own port. */
  adminUrl(service: ServiceName): string {
    return this.under().adminUrl(service);
  }

  /** Base URLs of every running instance of a service (primary first). */
  instances(service: ServiceName): string[] {
    const replica = this.replicas.get(service);
    return [this.url(service), ...(replica?.running ? [replica.url] : [])];
  }

  /** The primary process of a service. */
  service(service: ServiceName): ServiceProcess {
    return this.under().service(service);
  }

  /** Restarts a service with `env` over the chaos defaults ({} restores them). */
  async restartWith(service: ServiceName, env: Record<string, string>): Promise<void> {
    this.overrides.set(service, env);
    await this.under().restartWith(service, { ...this.envOf(service), ...env });
  }

  /** Starts a second instance of `service` (port base + 10 + offset) with extra environment. */
  async startReplica(
    service: ServiceName,
    env: Record<string, string>,
    directDatabase = false,
  ): Promise<ServiceProcess> {
    await this.replicas.get(service)?.stop('SIGTERM', 10_000);
    const direct: Record<string, string> = {};
    if (directDatabase && service !== 'cart' && service !== 'recommendations') {
      const u = new URL(testEnv().databaseUrl);
      u.pathname = `/rc_${service}`;
      direct.DATABASE_URL = u.toString();
    }
    const replica = new ServiceProcess({
      name: service,
      root: this.options.root,
      port: this.portBase + 10 + OFFSETS[service],
      env: { ...this.baseEnv(service), ...this.envOf(service), ...direct, ...env },
      logFile: join(this.options.root, 'reports', 'logs', `${service}-replica.log`),
      readyTimeoutMs: 60_000,
    });
    this.replicas.set(service, replica);
    await replica.start();
    return replica;
  }

  /** Stops every replica. */
  async stopReplicas(): Promise<void> {
    await Promise.all([...this.replicas.values()].map((r) => r.stop('SIGTERM', 10_000)));
    this.replicas.clear();
  }

  /** Pid of the local Kafka broker (see {@link kafkaBrokerPid}). */
  kafkaPid(): number {
    return kafkaBrokerPid(this.options.root);
  }

  /** Rows of a query on a service's database (`rc_<db>`), through a small pool of the harness. */
  async sql<T extends Record<string, unknown>>(
    db: Database,
    text: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    return (await this.pool(db).query<T>(text, params)).rows;
  }

  /** Rows of an experiment's own query, inside a READ ONLY transaction (it can change nothing). */
  async sqlReadOnly(
    db: Database,
    text: string,
    params: unknown[],
  ): Promise<Record<string, unknown>[]> {
    const client = await this.pool(db).connect();
    try {
      await client.query('BEGIN READ ONLY');
      return (await client.query<Record<string, unknown>>(text, params)).rows;
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  private pool(db: Database): Pool {
    let pool = this.pools.get(db);
    if (!pool) {
      const u = new URL(testEnv().databaseUrl);
      u.pathname = `/rc_${db}`;
      pool = new Pool({
        connectionString: u.toString(),
        max: 2,
        application_name: 'rc-chaos',
        statement_timeout: 10_000,
      });
      pool.on('error', () => undefined);
      this.pools.set(db, pool);
    }
    return pool;
  }

  private under(): PlatformUnderTest {
    if (!this.platform) throw new Error('the chaos platform is not started');
    return this.platform;
  }

  private proxyUrl(name: ProxyName, scheme = 'http'): string {
    return `${scheme}://127.0.0.1:${this.portBase + 20 + PROXIES.indexOf(name)}`;
  }

  private upstreamOf(name: ProxyName): string {
    const env = testEnv();
    if (name === 'redis') return new URL(env.redisUrl).host;
    if (name === 'kafka') return KAFKA_PROXIED_LISTENER;
    if (name.startsWith('postgres-')) return new URL(env.databaseUrl).host;
    const target = name.replace('checkout-', '') as ServiceName;
    return `127.0.0.1:${this.portBase + OFFSETS[target]}`;
  }

  private databaseThroughProxy(service: 'checkout' | 'payment' | 'inventory'): string {
    const u = new URL(testEnv().databaseUrl);
    u.pathname = `/rc_${service}`;
    u.host = `127.0.0.1:${this.portBase + 20 + PROXIES.indexOf(`postgres-${service}`)}`;
    return u.toString();
  }

  /** What the chaos run changes in a service's environment: its paths through the proxies. */
  private envOf(service: ServiceName): Record<string, string> {
    const redis = new URL(testEnv().redisUrl);
    redis.host = `127.0.0.1:${this.portBase + 20 + PROXIES.indexOf('redis')}`;
    const env: Record<string, string> = {
      REDIS_URL: redis.toString(),
      KAFKA_BROKERS: KAFKA_PROXY_LISTEN,
    };
    if (service === 'checkout')
      Object.assign(env, CHECKOUT_CHAOS_ENV, {
        DATABASE_URL: this.databaseThroughProxy('checkout'),
        INVENTORY_URL: this.proxyUrl('checkout-inventory'),
        PAYMENT_URL: this.proxyUrl('checkout-payment'),
        CART_URL: this.proxyUrl('checkout-cart'),
        RECOMMENDATIONS_URL: this.proxyUrl('checkout-recommendations'),
      });
    if (service === 'payment' || service === 'inventory')
      env.DATABASE_URL = this.databaseThroughProxy(service);
    return { ...env, ...this.overrides.get(service) };
  }

  /** The keys PlatformUnderTest sets by itself, for a replica started outside it. */
  private baseEnv(service: ServiceName): Record<string, string> {
    const env = testEnv();
    const base: Record<string, string> = {
      SERVICE_NAME: service,
      LOG_LEVEL: 'info',
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
      ADMIN_TOKEN: this.adminToken,
      ALLOW_DESTRUCTIVE_FAULTS: 'true',
      KAFKA_FETCH_MAX_WAIT_MS: TEST_KAFKA_FETCH_MAX_WAIT_MS,
      ...(
        serviceTokenEnv(
          this.under().checkoutServiceKey,
          this.under().inventoryServiceKey,
        ) as Record<string, Record<string, string>>
      )[service],
      ...(
        customerTokenEnv(this.under().identityKey.publicKey) as Record<
          string,
          Record<string, string>
        >
      )[service],
    };
    if (service === 'analytics') {
      const u = new URL(env.databaseUrl);
      u.pathname = '/rc_analytics';
      base.DATABASE_URL = u.toString();
    }
    return base;
  }
}
