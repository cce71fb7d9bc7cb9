import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createThrowawaySchema, type ThrowawaySchema } from '@rc/testing';
import { Registry } from 'prom-client';
import { applyIdempotencyMigration, PostgresIdempotencyStore } from '../../src/idempotency';
import { ResilienceModule } from '../../src/nest';
import { ProblemFilter } from './problem-filter';

/** A Nest app with `controllers`, idempotent on a Postgres store in a throwaway schema. */
export interface IdempotencyTestApp {
  app: NestFastifyApplication;
  db: ThrowawaySchema;
  store: PostgresIdempotencyStore;
  registry: Registry;
  /** POSTs `payload` to `url` with `key` as its Idempotency-Key (one client, `client-1`). */
  post(url: string, key: string, payload: object): ReturnType<NestFastifyApplication['inject']>;
  /** The stored row of `key`. */
  keyRow<T = Record<string, unknown>>(key: string): Promise<T | undefined>;
  /** How many times the store counted `outcome`. */
  outcomes(outcome: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts {@link IdempotencyTestApp}: a throwaway schema with the idempotency table and what
 * `tablesSql` creates in it (`tablesSql` gets the schema's name), errors mapped to problem+json.
 */
export async function startIdempotencyTestApp(options: {
  name: string;
  poolSize: number;
  controllers: NonNullable<Parameters<typeof Test.createTestingModule>[0]['controllers']>;
  tablesSql: (schema: string) => string;
}): Promise<IdempotencyTestApp> {
  const db = await createThrowawaySchema(options.name, options.poolSize);
  await applyIdempotencyMigration(db.pool, { schema: db.schema });
  await db.pool.query(options.tablesSql(db.schema));
  const registry = new Registry();
  const store = new PostgresIdempotencyStore({ pool: db.pool, schema: db.schema, registry });
  const moduleRef = await Test.createTestingModule({
    imports: [
      ResilienceModule.forRoot({
        faultAdmin: false,
        clientId: () => 'client-1',
        idempotencyStore: store,
      }),
    ],
    controllers: options.controllers,
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
  app.useGlobalFilters(new ProblemFilter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    db,
    store,
    registry,
    post: (url, key, payload) =>
      app.inject({ method: 'POST', url, payload, headers: { 'idempotency-key': key } }),
    keyRow: async (key) =>
      (await db.pool.query(`SELECT * FROM ${db.schema}.idempotency_keys WHERE key = $1`, [key]))
        .rows[0],
    outcomes: async (outcome) =>
      (await registry.getSingleMetric('resilience_idempotency_outcomes_total')?.get())?.values.find(
        (v) => v.labels.outcome === outcome,
      )?.value ?? 0,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
