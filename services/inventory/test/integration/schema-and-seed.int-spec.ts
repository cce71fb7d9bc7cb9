import { seedCatalogue } from '../../src/infrastructure/catalogue.seeder';
import { SEED_CATALOGUE } from '../../src/infrastructure/catalogue.seed-data';
import { migrateInventoryDatabase } from '../../src/infrastructure/inventory.migrations';
import { PgInventoryReader } from '../../src/infrastructure/pg-inventory.reader';
import { createThrowawayDatabase, type ThrowawayDatabase } from '@rc/testing';

describe('schema and seed catalogue', () => {
  let db: ThrowawayDatabase;

  beforeAll(async () => {
    db = await createThrowawayDatabase('inv_seed');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('when two replicas migrate and seed an empty database at once, then the schema and the catalogue exist once', async () => {
    await Promise.all([migrateInventoryDatabase(db.pool), migrateInventoryDatabase(db.pool)]);

    const inserted = await Promise.all([seedCatalogue(db.pool), seedCatalogue(db.pool)]);

    expect(inserted[0] + inserted[1]).toBe(SEED_CATALOGUE.length);
    const migrations = await db.pool.query<{ id: string }>(
      'SELECT id FROM schema_migrations ORDER BY id',
    );
    expect(migrations.rows.map((r) => r.id)).toEqual([
      '001_catalogue',
      '002_reservations',
      '003_expiry_check_and_shortfalls',
    ]);
    const products = await new PgInventoryReader(db.pool).listProducts();
    expect(products).toHaveLength(SEED_CATALOGUE.length);
    expect(products.find((p) => p.sku === 'TENT-2P-ULTRA')).toEqual({
      sku: 'TENT-2P-ULTRA',
      name: 'Ultralight 2-Person Tent',
      description: expect.any(String),
      price: 34_900,
      currency: 'EUR',
      available: 12,
    });
  });

  it('when the catalogue already has products, then seeding again adds nothing', async () => {
    await migrateInventoryDatabase(db.pool);

    expect(await seedCatalogue(db.pool)).toBe(0);
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM products');
    expect(rows[0]!.n).toBe(SEED_CATALOGUE.length);
  });
});
