import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { createThrowawaySchema, type ThrowawaySchema, uniqueName } from '@rc/testing';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import {
  applyIdempotencyMigration,
  PostgresIdempotencyStore,
  requestFingerprint,
} from '../../src/idempotency';
import { ResilienceModule } from '../../src/nest';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('IdempotencyPurger with the Postgres store', () => {
  let db: ThrowawaySchema;
  let schema: string;
  let pool: Pool;

  beforeAll(async () => {
    db = await createThrowawaySchema('idem_purge', 3);
    ({ schema, pool } = db);
    await applyIdempotencyMigration(pool, { schema });
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('when a purge interval is configured, then expired keys disappear without anyone calling purgeExpired', async () => {
    // Arrange: keys live 300 ms; the module purges every 100 ms
    const store = new PostgresIdempotencyStore({
      pool,
      schema,
      lockTimeoutMs: 100,
      ttlMs: 300,
      registry: new Registry(),
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ResilienceModule.forRoot({
          idempotencyStore: store,
          faultAdmin: false,
          idempotency: { purgeIntervalMs: 100 },
        }),
      ],
    }).compile();
    await moduleRef.init(); // no HTTP needed: lifecycle hooks start the purger
    const key = uniqueName('expiring');
    await store.begin('client-1', key, requestFingerprint({ method: 'POST', path: '/x' }));
    const count = async () =>
      Number(
        (await pool.query(`SELECT count(*) FROM ${schema}.idempotency_keys WHERE key = $1`, [key]))
          .rows[0].count,
      );

    try {
      // Act
      const before = await count();
      await sleep(700);
      const after = await count();

      // Assert
      expect(before).toBe(1);
      expect(after).toBe(0);
    } finally {
      await moduleRef.close();
    }
  });
});
