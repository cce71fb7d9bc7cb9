import type { Pool } from 'pg';
import { counter, gauge } from '@rc/resilience/metrics';
import type { Counter, Gauge, Registry } from 'prom-client';
import { startBackgroundLoop, type StopBackgroundLoop } from '../lifecycle/background-loop';
import type { ShutdownRegistry } from '../lifecycle/shutdown-registry';
import type { LogFunction } from '../logging/log-function';

/** One table {@link Housekeeping} keeps bounded. */
export interface PruneTask {
  /** The table, as SQL resolves it through `search_path` (e.g. `outbox`); the metrics' label. */
  table: string;
  /**
   * Deletes at most `limit` rows that may go (published, expired, past retention) in ONE
   * statement and resolves to how many it deleted. Must never touch a row still needed.
   */
  prune: (limit: number) => Promise<number>;
}

/** Options of {@link Housekeeping}. */
export interface HousekeepingOptions {
  /** The service's pool: the table sizes are read through it. */
  pool: Pool;
  tasks: readonly PruneTask[];
  /** Rows per DELETE (short statements, short locks). Default 1 000. */
  batchSize?: number;
  /** Registry of `db_table_rows`, `housekeeping_rows_deleted_total` and `housekeeping_failures_total`. */
  registry?: Registry;
  log?: LogFunction;
}

/** Default rows per DELETE of {@link Housekeeping}. */
export const HOUSEKEEPING_BATCH_SIZE = 1_000;

/**
 * Keeps the service's bookkeeping tables (outbox, inbox, idempotency keys) bounded: each pass
 * prunes every table in batches of `batchSize` rows, one batch after another until a batch
 * comes back short, so a backlog drains within the pass instead of growing by the difference
 * between write and prune rates. Then it reads each table's live-row estimate into the gauge
 * `db_table_rows{table}` (from the statistics Postgres keeps anyway, not a count; refreshed per
 * pass, never at scrape time). A table whose prune fails is logged and counted, the others go
 * on. Safe in every replica at once: each batch deletes what it finds, and a batch another
 * replica emptied first simply comes back short.
 */
export class Housekeeping {
  private readonly batchSize: number;
  private readonly rows?: Gauge<'table'>;
  private readonly deleted?: Counter<'table'>;
  private readonly failures?: Counter<'table'>;
  private stopping = false;

  constructor(private readonly options: HousekeepingOptions) {
    this.batchSize = options.batchSize ?? HOUSEKEEPING_BATCH_SIZE;
    if (!(Number.isInteger(this.batchSize) && this.batchSize > 0))
      throw new RangeError(
        `housekeeping batchSize must be a positive integer (got ${this.batchSize})`,
      );
    const { registry } = options;
    if (!registry) return;
    this.rows = gauge(registry, {
      name: 'db_table_rows',
      help: 'Estimated live rows of a bookkeeping table (Postgres statistics), refreshed by each housekeeping pass.',
      labelNames: ['table'],
    });
    this.deleted = counter(registry, {
      name: 'housekeeping_rows_deleted_total',
      help: 'Rows deleted by housekeeping (published outbox rows, old inbox rows, expired idempotency keys), by table.',
      labelNames: ['table'],
    });
    this.failures = counter(registry, {
      name: 'housekeeping_failures_total',
      help: 'Housekeeping prunes that failed (retried on the next pass), by table.',
      labelNames: ['table'],
    });
    for (const { table } of options.tasks) {
      this.deleted.inc({ table }, 0);
      this.failures.inc({ table }, 0);
    }
  }

  /** One pass now: drains every table, then refreshes the size gauge. Resolves to rows deleted per table. */
  async runOnce(): Promise<Record<string, number>> {
    const done: Record<string, number> = {};
    for (const task of this.options.tasks) {
      if (this.stopping) break;
      try {
        done[task.table] = await this.drain(task);
      } catch (error) {
        this.failures?.inc({ table: task.table });
        this.options.log?.('warn', 'housekeeping prune failed', {
          table: task.table,
          error: String(error),
        });
      }
    }
    const pruned = Object.fromEntries(Object.entries(done).filter(([, n]) => n > 0));
    if (Object.keys(pruned).length > 0)
      this.options.log?.('info', 'housekeeping pruned rows', pruned);
    await this.refreshSizes();
    return done;
  }

  /**
   * Runs a pass every `intervalMs` (the first after one interval); returns the stop function.
   * The table sizes are read at once, so `db_table_rows` (which an alert and a dashboard query)
   * has samples from the start, not only after the first pass.
   */
  start(intervalMs: number): StopBackgroundLoop {
    this.stopping = false;
    void this.refreshSizes();
    const stop = startBackgroundLoop({
      name: 'housekeeping',
      intervalMs,
      jitter: 0.1, // replicas started together spread their passes
      run: () => this.runOnce(),
      log: this.options.log,
    });
    return async () => {
      this.stopping = true;
      await stop();
    };
  }

  private async drain(task: PruneTask): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await task.prune(this.batchSize);
      total += n;
      this.deleted?.inc({ table: task.table }, n);
      if (n < this.batchSize || this.stopping) return total;
    }
  }

  private async refreshSizes(): Promise<void> {
    if (!this.rows) return;
    const tables = this.options.tasks.map((t) => t.table);
    try {
      // n_live_tup: kept current by every commit (unlike reltuples, which waits for ANALYZE).
      const { rows } = await this.options.pool.query<{ name: string; rows: string }>(
        `SELECT t.name, COALESCE(s.n_live_tup, 0) AS rows
           FROM unnest($1::text[]) AS t(name)
           LEFT JOIN pg_stat_user_tables s ON s.relid = to_regclass(t.name)`,
        [tables],
      );
      for (const row of rows) this.rows.set({ table: row.name }, Number(row.rows));
    } catch (error) {
      this.options.log?.('warn', 'reading table sizes failed', { error: String(error) });
    }
  }
}

/**
 * Creates a {@link Housekeeping}, starts its loop every `intervalMs` and stops it on shutdown
 * (before the pool, registered earlier, closes). Returns it (tests call `runOnce`).
 */
export function startHousekeeping(
  options: HousekeepingOptions & { intervalMs: number; shutdown: ShutdownRegistry },
): Housekeeping {
  const housekeeping = new Housekeeping(options);
  options.shutdown.onShutdown('housekeeping', housekeeping.start(options.intervalMs));
  return housekeeping;
}
