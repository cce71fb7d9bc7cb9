#!/bin/sh
# Run by the postgres image once, when its data directory is created (docker-entrypoint-initdb.d,
# as the superuser over the local socket): one database per service that owns relational state,
# then each service's login role as its owner, with its password and CONNECT closed to others
# (service-databases.sh); with RC_TEST_DATABASE=true also rc_test for the test suites
# (deploy/compose/infra.yml; they connect as postgres).
set -eu
psql -X -q -v ON_ERROR_STOP=1 -d postgres <<'SQL'
CREATE DATABASE rc_checkout;
CREATE DATABASE rc_payment;
CREATE DATABASE rc_inventory;
CREATE DATABASE rc_analytics;
SQL
sh /rc-init/service-databases.sh
if [ "${RC_TEST_DATABASE:-}" = "true" ]; then
  psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE rc_test'
fi
