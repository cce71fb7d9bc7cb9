import { requirePostgres, testEnv, uniqueName } from '@rc/testing';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { migrateCheckoutDatabase } from '../../src/infrastructure/checkout.migrations';

/** The SQL `npm run infra:up` and Compose run to make a service's database and role. */
const SERVICE_DATABASE_SQL = join(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'deploy',
  'compose',
  'service-database.sql',
);

/** `url` as role `user` on database `database` (the test server trusts loopback: no password). */
function urlAs(user: string, database: string): string {
  const u = new URL(testEnv().databaseUrl);
  u.username = user;
  u.password = '';
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs service-database.sql for `db` as the superuser of the test server. */
function provision(db: string): void {
  const u = new URL(testEnv().databaseUrl);
  const run = spawnSync(
    'psql',
    [
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-v',
      `db=${db}`,
      '-d',
      'postgres',
      '-f',
      SERVICE_DATABASE_SQL,
    ],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        PGHOST: u.hostname,
        PGPORT: u.port || '5432',
        PGUSER: decodeURIComponent(u.username) || 'postgres',
        PGPASSWORD: decodeURIComponent(u.password),
      },
    },
  );
  if (run.status !== 0) throw new Error(`service-database.sql for ${db} failed: ${run.stderr}`);
}

/** Opens and closes one connection; rejects with the server's error. */
async function connect(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs `sql` as the superuser on `database`. */
async function asSuperuser<T>(database: string, sql: string): Promise<T[]> {
  const u = new URL(testEnv().databaseUrl);
  u.pathname = `/${database}`;
  const client = new Client({ connectionString: u.toString() });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('service database roles (real Postgres)', () => {
  // Two service databases made by the same SQL as rc_checkout and rc_payment, private to this run.
  const own = `rc_roletest_${uniqueName('own').replace(/\W/g, '_')}`.toLowerCase();
  const other = `rc_roletest_${uniqueName('other').replace(/\W/g, '_')}`.toLowerCase();

  beforeAll(async () => {
    await requirePostgres();
    // A database from before the roles: owned by postgres, a table created by postgres.
    await asSuperuser('postgres', `CREATE DATABASE ${own}`);
    await asSuperuser(own, 'CREATE TABLE legacy_rows (id serial PRIMARY KEY, note text)');
    provision(own);
    provision(other);
  });

  afterAll(async () => {
    for (const db of [own, other]) {
      await asSuperuser('postgres', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await asSuperuser('postgres', `DROP ROLE IF EXISTS ${db}`);
    }
  });

  it('when a service role opens another service’s database, then the server refuses: permission denied', async () => {
    // Act
    const opening = connect(urlAs(own, other));

    // Assert
    await expect(opening).rejects.toMatchObject({
      code: '42501',
      message: expect.stringContaining(`permission denied for database "${other}"`),
    });
  });

  it('when a role that is not the owner (nor a superuser) connects, then it is refused too: CONNECT is revoked from PUBLIC', async () => {
    await expect(connect(urlAs(other, own))).rejects.toMatchObject({ code: '42501' });
  });

  it('when the role migrates and uses its own database, then the checkout schema is applied and usable', async () => {
    // Arrange
    const pool = new Pool({ connectionString: urlAs(own, own), max: 2 });
    try {
      // Act
      const applied = await migrateCheckoutDatabase(pool);
      const again = await migrateCheckoutDatabase(pool);
      await pool.query(
        `INSERT INTO orders (id, customer_id, status, total_minor, currency)
         VALUES (gen_random_uuid(), 'c-role', 'PENDING', 100, 'EUR')`,
      );
      const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');

      // Assert
      expect(applied).toEqual(['001_orders', '002_status_comments']);
      expect(again).toEqual([]);
      expect(rows[0]?.n).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it('when the database existed before the roles, then the role owns it and what postgres had created there', async () => {
    // Act
    const owners = await asSuperuser<{ what: string; owner: string }>(
      own,
      `SELECT 'database' AS what, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database()
       UNION ALL SELECT relname, pg_get_userbyid(relowner) FROM pg_class WHERE relname IN ('legacy_rows', 'legacy_rows_id_seq')`,
    );
    const client = new Client({ connectionString: urlAs(own, own) });
    await client.connect();
    try {
      await client.query(`INSERT INTO legacy_rows (note) VALUES ('still writable')`);
      await client.query('ALTER TABLE legacy_rows ADD COLUMN IF NOT EXISTS added int');
    } finally {
      await client.end();
    }

    // Assert
    expect(owners).toEqual(
      expect.arrayContaining([
        { what: 'database', owner: own },
        { what: 'legacy_rows', owner: own },
        { what: 'legacy_rows_id_seq', owner: own },
      ]),
    );
  });

  it('when infra:up has provisioned this server, then rc_checkout cannot open rc_payment', async () => {
    // Arrange: the roles `npm run infra:up` creates on the development and CI server
    const roles = await asSuperuser<{ rolname: string }>(
      'postgres',
      `SELECT rolname FROM pg_roles WHERE rolname IN ('rc_checkout', 'rc_payment')`,
    );
    if (roles.length < 2)
      throw new Error(
        'the service roles are missing: run `npm run infra:up` (scripts/infra/infra.sh up)',
      );

    // Act
    const opening = connect(urlAs('rc_checkout', 'rc_payment'));

    // Assert
    await expect(opening).rejects.toMatchObject({ code: '42501' });
    await expect(connect(urlAs('rc_checkout', 'rc_checkout'))).resolves.toBeUndefined();
  });
});
