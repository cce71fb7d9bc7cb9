import { Pool } from 'pg';
import { parsePrometheusText } from '../test/support/prometheus-text';

/** The services that own a Postgres database, and its name. */
export const SERVICE_DATABASES = {
  checkout: 'rc_checkout',
  payment: 'rc_payment',
  inventory: 'rc_inventory',
  analytics: 'rc_analytics',
} as const;

/** One of the four services with a database. */
export type DatabaseService = keyof typeof SERVICE_DATABASES;

/** Counters of the four service databases at one moment. */
export interface PgReading {
  /** `xact_commit + xact_rollback` of `pg_stat_database`, per service. */
  transactions: Record<DatabaseService, number>;
  /** `db_client_queries_total` from the service's `/metrics` (one round trip each), per service. */
  roundTrips: Record<DatabaseService, number>;
}

/** Postgres work per completed checkout over one window. */
export interface PgPerCheckout {
  pgRoundTripsPerCheckout: number;
  pgTransactionsPerCheckout: number;
  /** The same per service (its own database), 2 decimals. */
  byService: Record<DatabaseService, { roundTrips: number; transactions: number }>;
}

const SERVICES = Object.keys(SERVICE_DATABASES) as DatabaseService[];

/** The sum of every `db_client_queries_total` series in a `/metrics` scrape (0 when absent). */
export function queriesTotal(metricsText: string): number {
  return parsePrometheusText(metricsText)
    .samples.filter((s) => s.name === 'db_client_queries_total')
    .reduce((sum, s) => sum + s.value, 0);
}

/** Round trips and transactions per checkout between two readings (2 decimals). */
export function pgPerCheckout(
  before: PgReading,
  after: PgReading,
  checkouts: number,
): PgPerCheckout {
  const per = (n: number) => (checkouts > 0 ? Math.round((n / checkouts) * 100) / 100 : 0);
  const byService = {} as PgPerCheckout['byService'];
  let roundTrips = 0;
  let transactions = 0;
  for (const s of SERVICES) {
    const rt = after.roundTrips[s] - before.roundTrips[s];
    const tx = after.transactions[s] - before.transactions[s];
    roundTrips += rt;
    transactions += tx;
    byService[s] = { roundTrips: per(rt), transactions: per(tx) };
  }
  return {
    pgRoundTripsPerCheckout: per(roundTrips),
    pgTransactionsPerCheckout: per(transactions),
    byService,
  };
}

/**
 * Reads the counters: `pg_stat_database` through its own connection to the `postgres` database
 * (so the reading adds no transaction to the four it counts), the services' `/metrics`.
 */
export class PgCounters {
  private readonly pool: Pool;

  constructor(
    serverUrl: string,
    private readonly serviceUrl: (service: DatabaseService) => string,
  ) {
    const url = new URL(serverUrl);
    url.pathname = '/postgres';
    this.pool = new Pool({ connectionString: url.toString(), max: 1 });
  }

  async read(): Promise<PgReading> {
    const [stats, scrapes] = await Promise.all([
      this.pool.query<{ datname: string; xacts: string }>(
        'SELECT datname, xact_commit + xact_rollback AS xacts FROM pg_stat_database WHERE datname = ANY($1)',
        [Object.values(SERVICE_DATABASES)],
      ),
      Promise.all(
        SERVICES.map(async (s) => {
          const res = await fetch(`${this.serviceUrl(s)}/metrics`, {
            signal: AbortSignal.timeout(5_000),
          });
          if (!res.ok) throw new Error(`GET ${this.serviceUrl(s)}/metrics answered ${res.status}`);
          return queriesTotal(await res.text());
        }),
      ),
    ]);
    const xacts = new Map(stats.rows.map((r) => [r.datname, Number(r.xacts)]));
    const transactions = {} as PgReading['transactions'];
    const roundTrips = {} as PgReading['roundTrips'];
    SERVICES.forEach((s, i) => {
      transactions[s] = xacts.get(SERVICE_DATABASES[s]) ?? 0;
      roundTrips[s] = scrapes[i]!;
    });
    return { transactions, roundTrips };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
