#!/bin/sh
# Creates or repairs the database and login role of every service that owns relational state
# (service-database.sql beside this file), as a superuser through psql's usual environment
# (PGHOST, PGUSER, …). Each role's password comes from RC_PG_<SERVICE>_PASSWORD when set (Compose
# passes the generated values of .env), else the role has none (a server trusting loopback).
# In Compose it runs once, when the postgres volume is created (init-databases.sh); on a volume
# made before, run it by hand:
#   docker compose exec postgres sh /rc-init/service-databases.sh
set -eu
dir="$(cd "$(dirname "$0")" && pwd)"
for service in checkout payment inventory analytics; do
  var="RC_PG_$(printf '%s' "$service" | tr '[:lower:]' '[:upper:]')_PASSWORD"
  eval "password=\${$var:-}"
  RC_ROLE_PASSWORD="$password" psql -X -q -v ON_ERROR_STOP=1 -v db="rc_$service" \
    -d postgres -f "$dir/service-database.sql"
done
