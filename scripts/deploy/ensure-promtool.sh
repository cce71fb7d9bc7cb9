#!/usr/bin/env bash
# Makes promtool available for the rule checks: nothing to do when PROMTOOL or `promtool` is
# there; otherwise, on Debian/Ubuntu as root (or with password-less sudo), installs Debian's
# `prometheus` package (~11 s), which ships it. Prints the path it found on stdout; exits 127
# with what to do when it cannot be had. Used by check-prometheus.sh (so `npm test` sets it up
# by itself on a new machine) and by .ci/run.
set -uo pipefail

promtool="${PROMTOOL:-promtool}"
if command -v "$promtool" > /dev/null 2>&1; then
  command -v "$promtool"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || { sudo -n true 2> /dev/null && sudo="sudo -n"; }
if command -v apt-get > /dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; }; then
  echo "ensure-promtool: installing promtool (Debian package prometheus) ..." >&2
  log="$(mktemp)"
  if { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    --no-install-recommends prometheus; } > "$log" 2>&1 && command -v promtool > /dev/null 2>&1; then
    rm -f "$log"
    command -v promtool
    exit 0
  fi
  tail -n 20 "$log" >&2
  rm -f "$log"
fi

cat >&2 << 'MSG'
ensure-promtool: promtool is not installed and could not be installed here.
  Install it (Debian/Ubuntu): apt-get install -y --no-install-recommends prometheus
  or download Prometheus from https://prometheus.io/download/ and set PROMTOOL=/path/to/promtool
MSG
exit 127
