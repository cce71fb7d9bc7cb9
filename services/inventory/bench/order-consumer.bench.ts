/**
 * What inventory's `OrderPlaced` consumer costs per event, side by side in one run: the handlers
 * as they are (the common case in one statement, `CommitPlacedOrder.commitHeldOnce`) against the
 * same handlers with that step turned off (every event on the general path: BEGIN, the inbox
 * insert, each order's read-and-lock and settle, COMMIT). Real Postgres (a throwaway database),
 * events applied as the Kafka consumer applies them: one at a time through the per-event handler
 * and in partition batches of 3 through the batch handler. Rounds alternate the two modes.
 *
 * Per event it reports Postgres round trips, the Postgres backends' CPU (from /proc, so run it on
 * the machine Postgres runs on), this process's CPU, and wall time.
 *
 *   npm run bench:order-consumer [-- --json] [-- --rounds N]
 *
 * Needs `npm run infra:up` (Postgres only). Nothing is asserted: the ratios are printed.
 */
import { createEvent, type DomainEvent, type EventOf } from '@rc/contracts';
import { createPgPool } from '@rc/platform';
import { createThrowawayDatabase, metricValue } from '@rc/testing';
import { randomUUID } from 'node:crypto';
import { Client, type Pool } from 'pg';
import { Registry } from 'prom-client';
import { orderEventHandlers, orderEventsBatchHandler } from '../src/api/order-events.handlers';
import { CommitPlacedOrder } from '../src/application/commit-placed-order.command';
import { ReleaseReservation } from '../src/application/release-reservation.command';
import { ReserveStock } from '../src/application/reserve-stock.command';
import type { EventApplyingUnitOfWork } from '../src/domain/inventory-store.port';
import { migrateInventoryDatabase } from '../src/infrastructure/inventory.migrations';
import { PgInventoryUnitOfWork } from '../src/infrastructure/pg-inventory.unit-of-work';
import { addBenchProducts, measurePerUnit, median, round } from './bench-support';

const EVENTS_PER_ROUND = 1_500;
const DEFAULT_ROUNDS = 3;

type OrderPlaced = EventOf<'OrderPlaced'>;
type Mode = 'one statement' | 'general path';
type Shape = 'single' | 'batches of 3';

interface Reading {
  mode: Mode;
  shape: Shape;
  roundTripsPerEvent: number;
  postgresCpuUsPerEvent: number;
  nodeCpuUsPerEvent: number;
  wallUsPerEvent: number;
}

export async function main(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const at = args.indexOf('--rounds');
  const rounds = at >= 0 ? Number(args[at + 1]) : DEFAULT_ROUNDS;
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a whole number ≥ 1');
  const progress = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
  const db = await createThrowawayDatabase('inv_bench', 4);
  const observer = new Client({ connectionString: db.url });
  // The service's own pool factory: parameterised queries as named prepared statements, and
  // its round trips counted in db_client_queries_total as on the service's /metrics.
  const metrics = new Registry();
  const pool = createPgPool(db.url, { max: 4, metrics });
  const statements = { read: () => metricValue(metrics, 'db_client_queries_total') };
  await observer.connect();
  try {
    await migrateInventoryDatabase(pool);
    const skus = await addBenchProducts(pool);
    const readings: Reading[] = [];
    for (let r = 1; r <= rounds; r++) {
      for (const shape of ['single', 'batches of 3'] as const) {
        for (const mode of ['general path', 'one statement'] as const) {
          const reading = await measure(pool, observer, statements, skus, mode, shape);
          readings.push(reading);
          progress(
            `round ${r}/${rounds} ${shape}, ${mode}: ${reading.roundTripsPerEvent} round trips, ` +
              `Postgres ${reading.postgresCpuUsPerEvent} µs, node ${reading.nodeCpuUsPerEvent} µs, ` +
              `wall ${reading.wallUsPerEvent} µs per event`,
          );
        }
      }
    }
    const summary = summarise(readings);
    if (json)
      process.stdout.write(
        `${JSON.stringify({ eventsPerRound: EVENTS_PER_ROUND, rounds, summary })}\n`,
      );
    else printTable(summary, rounds);
  } finally {
    await observer.end();
    await pool.end();
    await db.drop();
  }
}

/** Reserves `EVENTS_PER_ROUND` one-line orders (not measured) and applies their OrderPlaced. */
async function measure(
  pool: Pool,
  observer: Client,
  statements: { read: () => Promise<number> },
  skus: string[],
  mode: Mode,
  shape: Shape,
): Promise<Reading> {
  const uow = new PgInventoryUnitOfWork(pool);
  const reserve = new ReserveStock(uow);
  const events: DomainEvent[] = [];
  for (let i = 0; i < EVENTS_PER_ROUND; i++) {
    const orderId = randomUUID();
    const sku = skus[i % skus.length]!;
    await reserve.execute({ orderId, items: [{ sku, quantity: 1 }], ttlSeconds: 600 });
    events.push(
      createEvent('OrderPlaced', orderId, {
        orderId,
        customerId: 'bench',
        items: [{ sku, quantity: 1, unitPrice: 1000 }],
        total: 1000,
        currency: 'EUR',
      }),
    );
  }
  // The general path: the same handlers with the one-statement step finding nothing to do.
  const events$: EventApplyingUnitOfWork =
    mode === 'one statement' ? uow : Object.assign(Object.create(uow), { commitHeldOnce: none });
  const deps = {
    group: 'inventory',
    uow: events$,
    placed: new CommitPlacedOrder(uow),
    release: new ReleaseReservation(uow),
  };
  const placedHandler = orderEventHandlers(deps).OrderPlaced!;
  const handling = {
    topic: 'orders',
    partition: 0,
    offset: '0',
    attempt: 1,
    headers: {},
    signal: new AbortController().signal,
  };
  const batch = orderEventsBatchHandler(deps);
  const context = {
    topic: 'orders',
    partition: 0,
    offsets: [],
    partitions: [{ topic: 'orders', partition: 0, offsets: [] }],
    signal: new AbortController().signal,
  };

  const cost = await measurePerUnit(observer, statements.read, events.length, async () => {
    if (shape === 'single') {
      for (const event of events) await placedHandler(event as OrderPlaced, { ...handling });
    } else {
      for (let i = 0; i < events.length; i += 3) await batch(events.slice(i, i + 3), context);
    }
  });
  return {
    mode,
    shape,
    roundTripsPerEvent: cost.roundTrips,
    postgresCpuUsPerEvent: cost.postgresCpuUs,
    nodeCpuUsPerEvent: cost.nodeCpuUs,
    wallUsPerEvent: cost.wallUs,
  };
}

function none(): Promise<Set<string>> {
  return Promise.resolve(new Set());
}

type Summary = Record<Shape, Record<Mode, Omit<Reading, 'mode' | 'shape'>>>;

function summarise(readings: Reading[]): Summary {
  const out = {} as Summary;
  for (const shape of ['single', 'batches of 3'] as const) {
    out[shape] = {} as Summary[Shape];
    for (const mode of ['general path', 'one statement'] as const) {
      const rs = readings.filter((r) => r.shape === shape && r.mode === mode);
      out[shape][mode] = {
        roundTripsPerEvent: median(rs.map((r) => r.roundTripsPerEvent)),
        postgresCpuUsPerEvent: median(rs.map((r) => r.postgresCpuUsPerEvent)),
        nodeCpuUsPerEvent: median(rs.map((r) => r.nodeCpuUsPerEvent)),
        wallUsPerEvent: median(rs.map((r) => r.wallUsPerEvent)),
      };
    }
  }
  return out;
}

function printTable(summary: Summary, rounds: number): void {
  const lines = [
    `OrderPlaced applied, per event (medians of ${rounds} rounds of ${EVENTS_PER_ROUND} events)`,
    'shape          mode            round trips  Postgres CPU µs  node CPU µs  wall µs',
  ];
  for (const shape of ['single', 'batches of 3'] as const) {
    for (const mode of ['general path', 'one statement'] as const) {
      const r = summary[shape][mode];
      lines.push(
        `${shape.padEnd(15)}${mode.padEnd(16)}${String(r.roundTripsPerEvent).padStart(11)}` +
          `${String(r.postgresCpuUsPerEvent).padStart(17)}${String(r.nodeCpuUsPerEvent).padStart(13)}` +
          `${String(r.wallUsPerEvent).padStart(9)}`,
      );
    }
    const g = summary[shape]['general path'];
    const o = summary[shape]['one statement'];
    lines.push(
      `${shape.padEnd(15)}ratio           ${String(round(o.roundTripsPerEvent / g.roundTripsPerEvent, 2)).padStart(11)}` +
        `${String(round(o.postgresCpuUsPerEvent / g.postgresCpuUsPerEvent, 2)).padStart(17)}` +
        `${String(round(o.nodeCpuUsPerEvent / g.nodeCpuUsPerEvent, 2)).padStart(13)}` +
        `${String(round(o.wallUsPerEvent / g.wallUsPerEvent, 2)).padStart(9)}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
