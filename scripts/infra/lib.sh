#!/usr/bin/env bash
# Small helpers shared by the infra scripts.
log() { printf '[infra] %s\n' "$*"; }
die() {
  printf '[infra] error: %s\n' "$*" >&2
  exit 1
}
# port_free PORT: true when nothing listens on 127.0.0.1:PORT.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# wait_for NAME SECONDS CMD...: polls CMD every 0.5 s until it succeeds or SECONDS pass.
wait_for() {
  local name=$1 secs=$2
  shift 2
  local deadline=$((SECONDS + secs))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || die "$name did not become ready within ${secs}s"
    sleep 0.5
  done
}

# pg_sql DB SQL: runs SQL as the postgres superuser on the local server, printing bare rows.
pg_sql() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d "$1" -tAc "$2"; }

# redis_ping PORT: true when a Redis server answers on 127.0.0.1:PORT.
redis_ping() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }

# redis_instance_up NAME PORT ARGS...: starts a Redis server that persists nothing on
# 127.0.0.1:PORT with ARGS (memory limit, eviction policy) unless one answers there; one it
# started is recorded in $STATE/NAME.started so `down` stops it. A server already running is
# left alone, with a warning when its eviction policy is not the one asked for.
redis_instance_up() {
  local name=$1 port=$2
  shift 2
  command -v redis-server >/dev/null 2>&1 || die "redis-server is missing (install Debian's redis-server), or use a Docker engine"
  if ! redis_ping "$port"; then
    port_free "$port" || die "port $port is taken by something that is not a Redis server"
    log "$name: starting"
    mkdir -p "$ROOT/.infra/$name"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
      --dir "$ROOT/.infra/$name" --logfile "$ROOT/.infra/$name/redis.log" \
      --pidfile "$ROOT/.infra/$name/redis.pid" "$@"
    touch "$STATE/$name.started"
    wait_for "$name" 20 redis_ping "$port"
  fi
  local wanted actual
  wanted="$(printf '%s\n' "$@" | sed -n '/--maxmemory-policy/{n;p}')"
  actual="$(redis-cli -h 127.0.0.1 -p "$port" config get maxmemory-policy 2>/dev/null | sed -n 2p)"
  if [ -n "$wanted" ] && [ "$actual" != "$wanted" ]; then
    log "$name: warning: maxmemory-policy is $actual on 127.0.0.1:$port, expected $wanted (this server was not started by infra:up)"
  fi
  log "$name: ready on 127.0.0.1:$port (maxmemory-policy $actual)"
}

# redis_instance_down NAME PORT: stops the Redis server on PORT if redis_instance_up started it.
redis_instance_down() {
  local name=$1 port=$2
  if [ -f "$STATE/$name.started" ]; then
    redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
    rm -f "$STATE/$name.started"
    log "$name: stopped (it was started by infra:up)"
  else
    log "$name: left running (infra:up did not start it)"
  fi
}
