#!/usr/bin/env bash
# Makes the platform's infrastructure available on loopback, idempotently:
#   PostgreSQL 127.0.0.1:5432, Redis 127.0.0.1:6379 (state: noeviction), a second Redis
#   127.0.0.1:6380 (cache: allkeys-lru, nothing persisted), Apache Kafka (KRaft) 127.0.0.1:9092.
# Postgres gets one database per service that owns relational state, each owned by the service's
# own login role (rc_checkout, rc_payment, rc_inventory, rc_analytics) and closed to every other
# role (CONNECT revoked from PUBLIC), plus rc_test for the test suites (which connect as postgres).
#
#   bash scripts/infra/infra.sh up|down|status|kafka-stop|kafka-start|kafka-jars
#
# Path taken (printed by `up`):
#   - local: Postgres and Redis servers installed on the machine are used (started if stopped);
#     Kafka runs from Apache Kafka's own jars, fetched from Maven Central by mvn. This is the
#     path on the dev and CI machines, which have no Docker engine.
#   - docker: when no local Postgres is installed and a Docker engine answers, the same three come
#     from deploy/compose/infra.yml instead.
# `down` stops only what `up` started (tracked under .infra/state) and nothing else.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="$ROOT/.infra/state"
mkdir -p "$STATE"
# shellcheck source=scripts/infra/lib.sh
source "$ROOT/scripts/infra/lib.sh"
# shellcheck source=scripts/infra/kafka.sh
source "$ROOT/scripts/infra/kafka.sh"

# Each service database is owned by the login role of the same name.
SERVICE_DATABASES=(rc_checkout rc_payment rc_inventory rc_analytics)
TEST_DATABASE=rc_test

pg_up() {
  if ! command -v pg_isready >/dev/null 2>&1; then
    die "PostgreSQL client tools are missing (install Debian's postgresql), or use a Docker engine"
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    port_free 5432 || die "port 5432 is taken by something that is not a PostgreSQL server"
    local cluster
    cluster="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
    [ -n "$cluster" ] || die "no PostgreSQL cluster found under /etc/postgresql"
    log "postgres: starting cluster $cluster/main"
    pg_ctlcluster --skip-systemctl-redirect "$cluster" main start
    touch "$STATE/postgres.started"
    wait_for "postgres" 30 pg_isready -q -h 127.0.0.1 -p 5432
  fi
  local db
  if [ -z "$(pg_sql postgres "SELECT 1 FROM pg_database WHERE datname = '$TEST_DATABASE'")" ]; then
    pg_sql postgres "CREATE DATABASE $TEST_DATABASE" >/dev/null
    log "postgres: created database $TEST_DATABASE"
  fi
  for db in "${SERVICE_DATABASES[@]}"; do pg_service_role "$db"; done
  log "postgres: ready on 127.0.0.1:5432 (databases: ${SERVICE_DATABASES[*]} $TEST_DATABASE; each service database owned by its role of the same name)"
}

# pg_service_role DB: the login role DB owns database DB and everything in it, and no other
# role but superusers may connect to it (deploy/compose/service-database.sql, shared with
# Compose). Idempotent; it also hands over databases made before the roles existed. No password:
# this server trusts loopback connections, so a password would be ignored (see docs).
pg_service_role() {
  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d postgres -v db="$1" \
    -f "$ROOT/deploy/compose/service-database.sql"
}

pg_down() {
  if [ -f "$STATE/postgres.started" ]; then
    local cluster
    cluster="$(ls /etc/postgresql | sort -V | tail -n 1)"
    pg_ctlcluster --skip-systemctl-redirect "$cluster" main stop || true
    rm -f "$STATE/postgres.started"
    log "postgres: stopped (it was started by infra:up)"
  else
    log "postgres: left running (infra:up did not start it)"
  fi
}

# Two Redis roles, as in Kubernetes (deploy/k8s/base/redis): `redis` (6379) holds state — carts,
# rate-limit buckets, the recommendation model — and must never evict; `redis-cache` (6380) holds
# only recommendations' response cache and evicts the least recently used keys at 64 MB.
redis_up() {
  redis_instance_up redis 6379 --maxmemory-policy noeviction
  redis_instance_up redis-cache 6380 --maxmemory 64mb --maxmemory-policy allkeys-lru
}

redis_down() {
  redis_instance_down redis-cache 6380
  redis_instance_down redis 6379
}

use_docker() {
  ! command -v pg_ctlcluster >/dev/null 2>&1 && command -v docker >/dev/null 2>&1 &&
    docker info >/dev/null 2>&1
}

compose() { docker compose -f "$ROOT/deploy/compose/infra.yml" "$@"; }

case "${1:-}" in
  up)
    if use_docker; then
      log "path: docker (no local PostgreSQL installed, Docker engine reachable)"
      compose up -d --wait
    else
      log "path: local servers + Kafka from Maven Central jars"
      pg_up
      redis_up
      kafka_up
    fi
    log "infrastructure is up: DATABASE_URL=postgres://postgres@127.0.0.1:5432/rc_test REDIS_URL=redis://127.0.0.1:6379 REDIS_CACHE_URL=redis://127.0.0.1:6380 KAFKA_BROKERS=127.0.0.1:9092"
    ;;
  down)
    if use_docker; then compose down; else
      kafka_down
      redis_down
      pg_down
    fi
    ;;
  status)
    if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then echo "postgres: up"; else echo "postgres: down"; fi
    if redis_ping 6379; then echo "redis: up"; else echo "redis: down"; fi
    if redis_ping 6380; then echo "redis-cache: up"; else echo "redis-cache: down"; fi
    kafka_status
    ;;
  kafka-stop) kafka_down ;;
  kafka-start) kafka_up ;;
  # The jars alone (a test that starts its own broker, when the running one is not this checkout's).
  kafka-jars) kafka_fetch_jars ;;
  *)
    echo "usage: $0 up|down|status|kafka-stop|kafka-start|kafka-jars" >&2
    exit 2
    ;;
esac
