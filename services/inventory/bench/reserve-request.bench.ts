/**
 * What the `Idempotency-Key` costs a reserve request, side by side in one run: the key claimed by
 * a statement of its own before the handler (`@Idempotent()`) against the key claimed inside the
 * reserve's own statement (`@Idempotent({ claimInStatement: true })`, how inventory serves
 * `POST /v1/reservations`). Both complete the key inside the reserve's statement. Each request
 * goes through Nest, the resilience module's inbound interceptors and the Postgres idempotency
 * store (no sockets: `inject`), runs inventory's own reserve (`ReserveStock` on its Postgres
 * unit of work, one line, a new order and a new key each time) on a throwaway database through
 * the service's pool factory (named prepared statements). Rounds alternate the two modes.
 *
 * Per request it reports Postgres round trips, the Postgres backends' CPU (from /proc, so run it
 * on the machine Postgres runs on), this process's CPU, and wall time.
 *
 *   npm run bench:reserve-request [-- --json] [-- --rounds N]
 *
 * Needs `npm run infra:up` (Postgres only). Nothing is asserted: the ratios are printed.
 */
import 'reflect-metadata';
import { Body, Controller, Module, Post, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPgPool } from '@rc/platform';
import { idempotentCompletion, PostgresIdempotencyStore } from '@rc/resilience';
import { Idempotent, ResilienceModule } from '@rc/resilience/nest';
import { createThrowawayDatabase, metricValue } from '@rc/testing';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Registry } from 'prom-client';
import { reservationView, type ReserveBody } from '../src/api/inventory.dto';
import { ReserveStock } from '../src/application/reserve-stock.command';
import { migrateInventoryDatabase } from '../src/infrastructure/inventory.migrations';
import { PgInventoryUnitOfWork } from '../src/infrastructure/pg-inventory.unit-of-work';
import { addBenchProducts, measurePerUnit, median, round } from './bench-support';

const REQUESTS_PER_ROUND = 1_500;
const DEFAULT_ROUNDS = 3;
const MODES = ['claim first', 'claim in statement'] as const;
type Mode = (typeof MODES)[number];

interface Reading {
  mode: Mode;
  roundTripsPerRequest: number;
  postgresCpuUsPerRequest: number;
  nodeCpuUsPerRequest: number;
  wallUsPerRequest: number;
}

/** The body of inventory's `POST /v1/reservations` handler (ReservationsController.create). */
async function reserveAnswer(reserve: ReserveStock, body: ReserveBody, reply: FastifyReply) {
  const { reservation, created } = await reserve.execute(
    { orderId: body.orderId, items: body.items, ttlSeconds: 600 },
    (reservationSql) =>
      idempotentCompletion({ status: 201, headers: {}, body: {} }, { bodyFromSql: reservationSql }),
  );
  if (!created) void reply.status(200);
  return reservationView(reservation);
}

let reserveStock: ReserveStock;

@Controller('claim-first')
class ClaimFirstController {
  @Post()
  @Idempotent()
  create(@Body() body: ReserveBody, @Res({ passthrough: true }) reply: FastifyReply) {
    return reserveAnswer(reserveStock, body, reply);
  }
}

@Controller('claim-in-statement')
class ClaimInStatementController {
  @Post()
  @Idempotent({ claimInStatement: true })
  create(@Body() body: ReserveBody, @Res({ passthrough: true }) reply: FastifyReply) {
    return reserveAnswer(reserveStock, body, reply);
  }
}

export async function main(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const at = args.indexOf('--rounds');
  const rounds = at >= 0 ? Number(args[at + 1]) : DEFAULT_ROUNDS;
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a whole number ≥ 1');
  const progress = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
  const db = await createThrowawayDatabase('inv_req_bench', 4);
  const observer = new Client({ connectionString: db.url });
  // The service's own pool factory; its round trips counted in db_client_queries_total.
  const metrics = new Registry();
  const pool = createPgPool(db.url, { max: 4, metrics });
  const statements = () => metricValue(metrics, 'db_client_queries_total');
  let app: NestFastifyApplication | undefined;
  await observer.connect();
  try {
    await migrateInventoryDatabase(pool);
    const skus = await addBenchProducts(pool);
    reserveStock = new ReserveStock(new PgInventoryUnitOfWork(pool));
    const store = new PostgresIdempotencyStore({ pool, registry: metrics });
    @Module({
      imports: [
        ResilienceModule.forRoot({
          faultAdmin: false,
          clientId: () => 'checkout',
          idempotencyStore: store,
        }),
      ],
      controllers: [ClaimFirstController, ClaimInStatementController],
    })
    class BenchModule {}
    app = await NestFactory.create<NestFastifyApplication>(BenchModule, new FastifyAdapter(), {
      logger: false,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    // Warm-up (not measured): both paths compiled and every pooled connection's statements
    // prepared before the first reading.
    for (const mode of MODES) await measure(app, observer, statements, skus, mode, 300);
    const readings: Reading[] = [];
    for (let r = 1; r <= rounds; r++) {
      for (const mode of MODES) {
        const reading = await measure(app, observer, statements, skus, mode);
        readings.push(reading);
        progress(
          `round ${r}/${rounds} ${mode}: ${reading.roundTripsPerRequest} round trips, ` +
            `Postgres ${reading.postgresCpuUsPerRequest} µs, node ${reading.nodeCpuUsPerRequest} µs, ` +
            `wall ${reading.wallUsPerRequest} µs per request`,
        );
      }
    }
    const summary = summarise(readings);
    if (json)
      process.stdout.write(
        `${JSON.stringify({ requestsPerRound: REQUESTS_PER_ROUND, rounds, summary })}\n`,
      );
    else printTable(summary, rounds);
  } finally {
    await app?.close();
    await observer.end();
    await pool.end();
    await db.drop();
  }
}

async function measure(
  app: NestFastifyApplication,
  observer: Client,
  statements: () => Promise<number>,
  skus: string[],
  mode: Mode,
  count = REQUESTS_PER_ROUND,
): Promise<Reading> {
  const url = mode === 'claim first' ? '/claim-first' : '/claim-in-statement';
  const requests = Array.from({ length: count }, (_, i) => ({
    key: randomUUID(),
    payload: { orderId: randomUUID(), items: [{ sku: skus[i % skus.length]!, quantity: 1 }] },
  }));
  const cost = await measurePerUnit(observer, statements, requests.length, async () => {
    for (const { key, payload } of requests) {
      const res = await app.inject({
        method: 'POST',
        url,
        payload,
        headers: { 'idempotency-key': key },
      });
      if (res.statusCode !== 201) throw new Error(`${mode}: ${res.statusCode} ${res.body}`);
    }
  });
  return {
    mode,
    roundTripsPerRequest: cost.roundTrips,
    postgresCpuUsPerRequest: cost.postgresCpuUs,
    nodeCpuUsPerRequest: cost.nodeCpuUs,
    wallUsPerRequest: cost.wallUs,
  };
}

type Summary = Record<Mode, Omit<Reading, 'mode'>>;

function summarise(readings: Reading[]): Summary {
  const out = {} as Summary;
  for (const mode of MODES) {
    const rs = readings.filter((r) => r.mode === mode);
    out[mode] = {
      roundTripsPerRequest: median(rs.map((r) => r.roundTripsPerRequest)),
      postgresCpuUsPerRequest: median(rs.map((r) => r.postgresCpuUsPerRequest)),
      nodeCpuUsPerRequest: median(rs.map((r) => r.nodeCpuUsPerRequest)),
      wallUsPerRequest: median(rs.map((r) => r.wallUsPerRequest)),
    };
  }
  return out;
}

function printTable(summary: Summary, rounds: number): void {
  const cells = (values: (string | number)[]) =>
    `${String(values[0]).padEnd(20)}${values
      .slice(1)
      .map((v, i) => String(v).padStart([12, 17, 13, 9][i]!))
      .join('')}`;
  const first = summary['claim first'];
  const inStatement = summary['claim in statement'];
  const ratio = (key: keyof Omit<Reading, 'mode'>) => round(inStatement[key] / first[key], 2);
  const lines = [
    `A reserve request, per request (medians of ${rounds} rounds of ${REQUESTS_PER_ROUND})`,
    cells(['mode', 'round trips', 'Postgres CPU µs', 'node CPU µs', 'wall µs']),
    ...MODES.map((mode) => {
      const r = summary[mode];
      return cells([
        mode,
        r.roundTripsPerRequest,
        r.postgresCpuUsPerRequest,
        r.nodeCpuUsPerRequest,
        r.wallUsPerRequest,
      ]);
    }),
    cells([
      'ratio',
      ratio('roundTripsPerRequest'),
      ratio('postgresCpuUsPerRequest'),
      ratio('nodeCpuUsPerRequest'),
      ratio('wallUsPerRequest'),
    ]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
