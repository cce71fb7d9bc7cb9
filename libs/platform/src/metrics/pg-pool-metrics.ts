import type { Pool } from 'pg';
import { Gauge, type Registry } from 'prom-client';

/** The pools each registry reports, by pool name: one metric family serves every pool. */
const poolsOf = new WeakMap<Registry, Map<string, Pool>>();

/**
 * Exports the saturation of a pg pool, read at scrape time (OpenTelemetry's
 * `db.client.connection.*` metrics, named the Prometheus way), labelled by pool name:
 * - `db_client_connections{pool, state="used"|"idle"}`: connections checked out / open and idle;
 * - `db_client_connections_max{pool}`: the pool's size limit;
 * - `db_client_connections_pending_requests{pool}`: callers waiting for a connection — above 0
 *   the pool is saturated and every query pays the wait (up to the connect timeout).
 */
export function exportPgPoolMetrics(registry: Registry, pool: Pool, name: string): void {
  let pools = poolsOf.get(registry);
  if (!pools) {
    pools = new Map();
    poolsOf.set(registry, pools);
    registerPoolGauges(registry, pools);
  }
  pools.set(name, pool);
}

function registerPoolGauges(registry: Registry, pools: ReadonlyMap<string, Pool>): void {
  new Gauge({
    name: 'db_client_connections',
    help: 'Postgres pool connections by state: used (checked out) or idle.',
    labelNames: ['pool', 'state'],
    registers: [registry],
    collect() {
      for (const [name, p] of pools) {
        this.set({ pool: name, state: 'used' }, p.totalCount - p.idleCount);
        this.set({ pool: name, state: 'idle' }, p.idleCount);
      }
    },
  });
  new Gauge({
    name: 'db_client_connections_max',
    help: 'Most connections the Postgres pool may open.',
    labelNames: ['pool'],
    registers: [registry],
    collect() {
      for (const [name, p] of pools) this.set({ pool: name }, p.options.max ?? 10);
    },
  });
  new Gauge({
    name: 'db_client_connections_pending_requests',
    help: 'Callers waiting for a Postgres pool connection (above 0: the pool is saturated).',
    labelNames: ['pool'],
    registers: [registry],
    collect() {
      for (const [name, p] of pools) this.set({ pool: name }, p.waitingCount);
    },
  });
}
