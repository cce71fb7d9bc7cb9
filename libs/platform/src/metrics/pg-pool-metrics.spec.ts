import { EventEmitter } from 'node:events';
import type { Pool, PoolClient } from 'pg';
import { Registry } from 'prom-client';
import { exportPgPoolMetrics } from './pg-pool-metrics';

/** A pool's live counters, as pg exposes them; it emits `connect` like pg's pool. */
function fakePool(total: number, idle: number, waiting: number, max: number): Pool {
  return Object.assign(new EventEmitter(), {
    totalCount: total,
    idleCount: idle,
    waitingCount: waiting,
    options: { max },
  }) as unknown as Pool;
}

/** A client as the pool hands it out: `query` answers with the text it was sent. */
function fakeClient(): PoolClient & { sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    sent,
    query(text: unknown) {
      sent.push(text);
      return Promise.resolve({ rows: [], text });
    },
  } as unknown as PoolClient & { sent: unknown[] };
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
    const pool = Object.assign(new EventEmitter(), {
      totalCount: 1,
      idleCount: 1,
      waitingCount: 0,
      options: { max: 5 },
    });
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

  it('when the clients of a pool send queries, then db_client_queries_total counts each once and they still run', async () => {
    const registry = new Registry();
    const pool = fakePool(2, 0, 0, 2);
    exportPgPoolMetrics(registry, pool, 'postgres');
    const [a, b] = [fakeClient(), fakeClient()];
    pool.emit('connect', a);
    pool.emit('connect', b);

    const answer = await a.query('BEGIN');
    await a.query('SELECT $1::int', [1]);
    await b.query('COMMIT');
    const first = await values(registry, 'db_client_queries_total');
    await b.query('SELECT 1');
    const second = await values(registry, 'db_client_queries_total');

    expect(answer).toEqual({ rows: [], text: 'BEGIN' });
    expect(a.sent).toEqual(['BEGIN', 'SELECT $1::int']);
    expect(first).toEqual([{ pool: 'postgres', value: 3 }]);
    expect(second).toEqual([{ pool: 'postgres', value: 4 }]);
  });

  it('when a pool has sent no query yet, then its counter is exported at 0', async () => {
    const registry = new Registry();
    exportPgPoolMetrics(registry, fakePool(0, 0, 0, 2), 'postgres');

    expect(await values(registry, 'db_client_queries_total')).toEqual([
      { pool: 'postgres', value: 0 },
    ]);
  });
});
