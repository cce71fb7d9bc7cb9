import { Pool } from 'pg';
import { PLATFORM_SERVICES, type PlatformService, type PlatformUnderTest } from '@rc/testing';
import { SERVICE_DATABASES, type DatabaseService } from './pg-counters';
import { readRssMiB } from './proc-stat';
import { parsePrometheusText } from '../test/support/prometheus-text';

/** One of the six services. */
export type ServiceName = PlatformService['name'];

/** The bookkeeping tables of each database: the ones that grow with every checkout. */
export const BOOKKEEPING_TABLES: Readonly<Record<DatabaseService, readonly string[]>> = {
  checkout: ['outbox', 'idempotency_keys'],
  payment: ['outbox', 'idempotency_keys'],
  inventory: ['outbox', 'inbox', 'idempotency_keys'],
  analytics: ['inbox', 'idempotency_keys'],
};

/** What {@link SoakSampler} reads at one moment. */
export interface PlatformReading {
  /** Resident memory (VmRSS) per service, MiB; null when its process is not running. */
  rssMiB: Record<ServiceName, number | null>;
  /**
   * 99th percentile of the event-loop delay since the previous scrape (prom-client resets its
   * histogram at each collect), ms; null when `/metrics` did not answer.
   */
  eventLoopP99Ms: Record<ServiceName, number | null>;
  /** Rows per bookkeeping table, keyed `<service>.<table>` (exact counts). */
  tableRows: Record<string, number>;
  /** Outbox rows not yet published, per service with an outbox. */
  outboxPending: Record<string, number>;
}

const EVENT_LOOP_P99 = 'nodejs_eventloop_lag_p99_seconds';
const round1 = (n: number) => Math.round(n * 10) / 10;

/** The `nodejs_eventloop_lag_p99_seconds` of a `/metrics` scrape in ms, or null when absent. */
export function eventLoopP99Ms(metricsText: string): number | null {
  const sample = parsePrometheusText(metricsText).samples.find((s) => s.name === EVENT_LOOP_P99);
  return sample && Number.isFinite(sample.value) ? round1(sample.value * 1000) : null;
}

/**
 * The soak's periodic reading of a running platform: each service's RSS (from /proc), its
 * event-loop delay p99 (its own `/metrics`), and the size of every bookkeeping table (counted
 * in Postgres, not the `db_table_rows` estimate, which housekeeping refreshes only per pass).
 * It must be the only scraper of `/metrics` during a run: each scrape resets the p99 window.
 */
export class SoakSampler {
  private readonly pools = new Map<DatabaseService, Pool>();

  constructor(
    private readonly platform: PlatformUnderTest,
    databaseUrl: string,
  ) {
    for (const [service, database] of Object.entries(SERVICE_DATABASES)) {
      const url = new URL(databaseUrl);
      url.pathname = `/${database}`;
      this.pools.set(
        service as DatabaseService,
        new Pool({ connectionString: url.toString(), max: 1 }),
      );
    }
  }

  /** Reads everything once (in parallel). */
  async read(): Promise<PlatformReading> {
    const names = PLATFORM_SERVICES.map((s) => s.name);
    const [lags, tables] = await Promise.all([
      Promise.all(names.map((name) => this.eventLoop(name))),
      Promise.all([...this.pools].map(([service, pool]) => this.tables(service, pool))),
    ]);
    const rssMiB = {} as PlatformReading['rssMiB'];
    const eventLoop = {} as PlatformReading['eventLoopP99Ms'];
    names.forEach((name, i) => {
      const pid = this.platform.service(name).pid;
      rssMiB[name] = pid === undefined ? null : round1(readRssMiB([pid])[0]!) || null;
      eventLoop[name] = lags[i]!;
    });
    return {
      rssMiB,
      eventLoopP99Ms: eventLoop,
      tableRows: Object.assign({}, ...tables.map((t) => t.rows)) as Record<string, number>,
      outboxPending: Object.assign({}, ...tables.map((t) => t.pending)) as Record<string, number>,
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.end()));
  }

  private async eventLoop(name: ServiceName): Promise<number | null> {
    try {
      const res = await fetch(`${this.platform.url(name)}/metrics`, {
        signal: AbortSignal.timeout(5_000),
      });
      return res.ok ? eventLoopP99Ms(await res.text()) : null;
    } catch {
      return null;
    }
  }

  private async tables(
    service: DatabaseService,
    pool: Pool,
  ): Promise<{ rows: Record<string, number>; pending: Record<string, number> }> {
    const tables = BOOKKEEPING_TABLES[service];
    // Table names come from the constant above, never from input.
    const counts = tables.map((t) => `(SELECT count(*) FROM ${t}) AS "${t}"`);
    if (tables.includes('outbox'))
      counts.push('(SELECT count(*) FROM outbox WHERE published_at IS NULL) AS "pending"');
    const { rows } = await pool.query<Record<string, string>>(`SELECT ${counts.join(', ')}`);
    const row = rows[0]!;
    return {
      rows: Object.fromEntries(tables.map((t) => [`${service}.${t}`, Number(row[t])])),
      pending: 'pending' in row ? { [service]: Number(row.pending) } : {},
    };
  }
}
