-- One service's database and login role, created or repaired idempotently:
--   psql -v ON_ERROR_STOP=1 -v db=rc_<service> -d postgres -f service-database.sql
-- as a superuser. The role `db` owns database `db` and everything in it, and only it (and
-- superusers) may connect to it: CONNECT is revoked from PUBLIC, so no other service's role can
-- open it. When the environment variable RC_ROLE_PASSWORD is set and not empty, it becomes the
-- role's password (read by psql, never on a command line or in a log); otherwise the role has
-- none, for a server that trusts loopback connections (the development machines).
-- Used by scripts/infra/infra.sh (local server) and deploy/compose/service-databases.sh (Compose).
\set ON_ERROR_STOP on
\getenv rc_password RC_ROLE_PASSWORD
SELECT set_config('rc.db', :'db', false) \g /dev/null
\if :{?rc_password}
SELECT set_config('rc.password', :'rc_password', false) \g /dev/null
\else
SELECT set_config('rc.password', '', false) \g /dev/null
\endif

DO $$
DECLARE
  db text := current_setting('rc.db');
  pw text := nullif(current_setting('rc.password'), '');
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = db) THEN
    EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE', db);
    RAISE NOTICE 'created role %', db;
  END IF;
  IF pw IS NOT NULL THEN
    EXECUTE format('ALTER ROLE %I PASSWORD %L', db, pw);
  END IF;
END $$;
SELECT set_config('rc.password', '', false) \g /dev/null

SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'db')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'db', :'db') \gexec
SELECT format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', :'db') \gexec

-- Inside the database: a database made before the roles existed (owned by postgres, tables
-- created by services that connected as postgres) is handed over — every schema, table, view,
-- sequence, routine and type there owned by postgres. Objects a superuser creates later (the
-- test suites connect as postgres) are usable by the role through default privileges; the next
-- run makes the role their owner too.
\connect :db
SELECT set_config('rc.db', :'db', false) \g /dev/null
DO $$
DECLARE
  db text := current_setting('rc.db');
  r record;
BEGIN
  FOR r IN SELECT nspname FROM pg_namespace
            WHERE nspowner = 'postgres'::regrole
              AND nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema' LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', r.nspname, db);
  END LOOP;
  -- Tables before sequences: a table takes the sequences it owns (serial, identity) along.
  FOR r IN SELECT c.oid::regclass AS rel, c.relkind FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relowner = 'postgres'::regrole AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
              AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
            ORDER BY c.relkind = 'S' LOOP
    CONTINUE WHEN (SELECT relowner FROM pg_class WHERE oid = r.rel) <> 'postgres'::regrole;
    EXECUTE format('ALTER %s %s OWNER TO %I',
      CASE r.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                     WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.rel, db);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p
             JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE p.proowner = 'postgres'::regrole
              AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema' LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO %I', r.fn, db);
  END LOOP;
  FOR r IN SELECT t.oid::regtype AS typ, t.typtype FROM pg_type t
             JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE t.typowner = 'postgres'::regrole AND t.typtype IN ('e', 'd', 'r')
              AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema' LOOP
    EXECUTE format('ALTER %s %s OWNER TO %I',
      CASE r.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, r.typ, db);
  END LOOP;
END $$;
SELECT format('ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT ALL ON %s TO %I', kind, :'db')
  FROM unnest(ARRAY['TABLES', 'SEQUENCES', 'FUNCTIONS', 'TYPES']) AS kind \gexec
