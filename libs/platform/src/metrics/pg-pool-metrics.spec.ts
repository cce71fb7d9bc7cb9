import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import { exportPgPoolMetrics } from './pg-pool-metrics';

/** A pool's live counters, as pg exposes them. */
function fakePool(total: number, idle: number, waiting: number, max: number): Pool {
  return {
    totalCount: total,
    idleCount: idle,
    waitingCount: waiting,
    options: { max },
  } as unknown as Pool;
}

async function values(registry: Registry, name: string) {
  return (await registry.getSingleMetric(name)!.get()).values.map((v) => ({
    ...v.labels,
    value: v.value,
  }));
}

describe('exportPgPoolMetrics', () => {
  it('when a saturated pool is scraped, then used, idle, max and pending requests are exported', async () => {
    const registry = new Registry();
    exportPgPoolMetrics(registry, fakePool(10, 0, 4, 10), 'postgres');

    const connections = await values(registry, 'db_client_connections');

    expect(connections).toEqual([
      { pool: 'postgres', state: 'used', value: 10 },
      { pool: 'postgres', state: 'idle', value: 0 },
    ]);
    expect(await values(registry, 'db_client_connections_max')).toEqual([
      { pool: 'postgres', value: 10 },
    ]);
    expect(await values(registry, 'db_client_connections_pending_requests')).toEqual([
      { pool: 'postgres', value: 4 },
    ]);
  });

  it('when two pools report to one registry, then each has its own series, read at scrape time', async () => {
    const registry = new Registry();
    const pool = { totalCount: 1, idleCount: 1, waitingCount: 0, options: { max: 5 } };
    exportPgPoolMetrics(registry, pool as unknown as Pool, 'main');
    exportPgPoolMetrics(registry, fakePool(2, 0, 0, 2), 'reports');
    pool.totalCount = 3; // two more connections opened and checked out since

    const connections = await values(registry, 'db_client_connections');

    expect(connections).toEqual([
      { pool: 'main', state: 'used', value: 2 },
      { pool: 'main', state: 'idle', value: 1 },
      { pool: 'reports', state: 'used', value: 2 },
      { pool: 'reports', state: 'idle', value: 0 },
    ]);
  });
});
