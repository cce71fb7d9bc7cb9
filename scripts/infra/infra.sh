#!/usr/bin/env bash
# Makes the platform's infrastructure available on loopback, idempotently:
#   PostgreSQL 127.0.0.1:5432, Redis 127.0.0.1:6379, Apache Kafka (KRaft) 127.0.0.1:9092.
#
#   bash scripts/infra/infra.sh up|down|status|kafka-stop|kafka-start
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

SERVICE_DATABASES=(rc_checkout rc_payment rc_inventory rc_analytics rc_test)

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
  for db in "${SERVICE_DATABASES[@]}"; do
    if [ -z "$(psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
      psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $db" >/dev/null
      log "postgres: created database $db"
    fi
  done
  log "postgres: ready on 127.0.0.1:5432 (databases: ${SERVICE_DATABASES[*]})"
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

redis_ping() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

redis_up() {
  command -v redis-server >/dev/null 2>&1 || die "redis-server is missing (install Debian's redis-server), or use a Docker engine"
  if ! redis_ping; then
    port_free 6379 || die "port 6379 is taken by something that is not a Redis server"
    log "redis: starting"
    mkdir -p "$ROOT/.infra/redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir "$ROOT/.infra/redis" --logfile "$ROOT/.infra/redis/redis.log" \
      --pidfile "$ROOT/.infra/redis/redis.pid"
    touch "$STATE/redis.started"
    wait_for "redis" 20 redis_ping
  fi
  log "redis: ready on 127.0.0.1:6379"
}

redis_down() {
  if [ -f "$STATE/redis.started" ]; then
    redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1 || true
    rm -f "$STATE/redis.started"
    log "redis: stopped (it was started by infra:up)"
  else
    log "redis: left running (infra:up did not start it)"
  fi
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
    log "infrastructure is up: DATABASE_URL=postgres://postgres@127.0.0.1:5432/rc_test REDIS_URL=redis://127.0.0.1:6379 KAFKA_BROKERS=127.0.0.1:9092"
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
    if redis_ping; then echo "redis: up"; else echo "redis: down"; fi
    kafka_status
    ;;
  kafka-stop) kafka_down ;;
  kafka-start) kafka_up ;;
  *)
    echo "usage: $0 up|down|status|kafka-stop|kafka-start" >&2
    exit 2
    ;;
esac
