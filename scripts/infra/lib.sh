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
