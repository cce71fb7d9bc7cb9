import { clockTicksPerSecond, databaseBackendTicks } from '@rc/testing';
import type { Client, Pool } from 'pg';

const SKUS = 30;

/** Adds 30 products (`BENCH-00`…) with ten million units each; returns their SKUs. */
export async function addBenchProducts(pool: Pool): Promise<string[]> {
  const skus = Array.from({ length: SKUS }, (_, i) => `BENCH-${String(i).padStart(2, '0')}`);
  await pool.query(
    `INSERT INTO products (sku, name, description, price_minor, currency)
     SELECT sku, sku, '', 1000, 'EUR' FROM unnest($1::text[]) AS sku`,
    [skus],
  );
  await pool.query(
    'INSERT INTO stock (sku, on_hand) SELECT sku, 10000000 FROM unnest($1::text[]) AS sku',
    [skus],
  );
  return skus;
}

/** What one unit of a benchmark's work cost (a request, an event), as measured around it. */
export interface UnitCost {
  roundTrips: number;
  postgresCpuUs: number;
  nodeCpuUs: number;
  wallUs: number;
}

/**
 * Runs `work` (`units` units of it) and returns its cost per unit: Postgres round trips (from
 * `statements`, the pool's query counter), the CPU of the observer's database's backends (from
 * /proc, so on the machine Postgres runs on), this process's CPU, and wall time.
 */
export async function measurePerUnit(
  observer: Client,
  statements: () => Promise<number>,
  units: number,
  work: () => Promise<void>,
): Promise<UnitCost> {
  const statementsBefore = await statements();
  const pgBefore = await databaseBackendTicks(observer);
  const cpuBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  await work();
  const wallUs = Number(process.hrtime.bigint() - wallBefore) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const pgTicks = (await databaseBackendTicks(observer)) - pgBefore;
  const roundTrips = (await statements()) - statementsBefore;
  return {
    roundTrips: round(roundTrips / units, 2),
    postgresCpuUs: round((pgTicks * 1e6) / clockTicksPerSecond() / units),
    nodeCpuUs: round((cpu.user + cpu.system) / units),
    wallUs: round(wallUs / units),
  };
}

/** The median of `xs` (the upper one of an even count). */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

/** `n` to `digits` decimals. */
export function round(n: number, digits = 1): number {
  return Number(n.toFixed(digits));
}
