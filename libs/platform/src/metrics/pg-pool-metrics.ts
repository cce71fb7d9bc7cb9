import type { Pool, PoolClient } from 'pg';
import { counter, gauge } from '@rc/resilience/metrics';
import type { Registry } from 'prom-client';

/** A pool as exported: its live counters, and the queries its clients sent (a plain number on the hot path). */
interface ExportedPool {
  pool: Pool;
  queries: number;
  /** How many of `queries` the counter already holds. */
  reported: number;
}

/** The pools each registry reports, by pool name: one metric family serves every pool. */
const poolsOf = new WeakMap<Registry, Map<string, ExportedPool>>();

/**
 * Exports the saturation of a pg pool, read at scrape time (OpenTelemetry's
 * `db.client.connection.*` metrics, named the Prometheus way), labelled by pool name:
 * - `db_client_connections{pool, state="used"|"idle"}`: connections checked out / open and idle;
 * - `db_client_connections_max{pool}`: the pool's size limit;
 * - `db_client_connections_pending_requests{pool}`: callers waiting for a connection — above 0
 *   the pool is saturated and every query pays the wait (up to the connect timeout);
 * - `db_client_queries_total{pool}`: queries its clients sent (`client.query` calls, `pool.query`
 *   included) — one network round trip each, BEGIN and COMMIT counted like any statement. The
 *   checkout benchmark divides its delta by the checkouts completed (pg_stat_statements is not
 *   preloaded on every server, and needs a restart to be). Counting costs one increment of a
 *   number per query; the counter is brought up to date at scrape time.
 */
export function exportPgPoolMetrics(registry: Registry, pool: Pool, name: string): void {
  let pools = poolsOf.get(registry);
  if (!pools) {
    pools = new Map();
    poolsOf.set(registry, pools);
    registerPoolGauges(registry, pools);
    registerQueryCounter(registry, pools);
  }
  const exported: ExportedPool = { pool, queries: 0, reported: 0 };
  pools.set(name, exported);
  countQueries(pool, exported);
}

type QueryFn = (...args: unknown[]) => unknown;

/** Wraps the `query` of every client the pool opens (whatever wrapped it before) with a count. */
function countQueries(pool: Pool, exported: ExportedPool): void {
  pool.on('connect', (client: PoolClient) => {
    const query = client.query.bind(client) as QueryFn;
    const counting: QueryFn = (...args) => {
      exported.queries++;
      return query(...args);
    };
    (client as unknown as { query: QueryFn }).query = counting;
  });
}

function registerQueryCounter(registry: Registry, pools: ReadonlyMap<string, ExportedPool>): void {
  counter(registry, {
    name: 'db_client_queries_total',
    help: 'Queries sent by the Postgres pool clients (one round trip each; BEGIN/COMMIT included).',
    labelNames: ['pool'],
    collect() {
      for (const [name, p] of pools) {
        this.inc({ pool: name }, p.queries - p.reported);
        p.reported = p.queries;
      }
    },
  });
}

function registerPoolGauges(registry: Registry, pools: ReadonlyMap<string, ExportedPool>): void {
  gauge(registry, {
    name: 'db_client_connections',
    help: 'Postgres pool connections by state: used (checked out) or idle.',
    labelNames: ['pool', 'state'],
    collect() {
      for (const [name, { pool: p }] of pools) {
        this.set({ pool: name, state: 'used' }, p.totalCount - p.idleCount);
        this.set({ pool: name, state: 'idle' }, p.idleCount);
      }
    },
  });
  gauge(registry, {
    name: 'db_client_connections_max',
    help: 'Most connections the Postgres pool may open.',
    labelNames: ['pool'],
    collect() {
      for (const [name, { pool: p }] of pools) this.set({ pool: name }, p.options.max ?? 10);
    },
  });
  gauge(registry, {
    name: 'db_client_connections_pending_requests',
    help: 'Callers waiting for a Postgres pool connection (above 0: the pool is saturated).',
    labelNames: ['pool'],
    collect() {
      for (const [name, { pool: p }] of pools) this.set({ pool: name }, p.waitingCount);
    },
  });
}
