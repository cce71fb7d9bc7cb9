#!/usr/bin/env bash
# Makes a headless Chromium available for the console's end-to-end suite: nothing to do when
# CHROMIUM_PATH or /usr/bin/chromium is there; otherwise, on Debian/Ubuntu as root (or with
# password-less sudo), installs Debian's `chromium` package. Never downloads a browser from
# anywhere else (playwright-core drives the system binary through `executablePath`).
# Prints the binary's path on stdout; exits 127 with what to do when it cannot be had.
# Used by the console's test-e2e target and by .ci/run (like scripts/deploy/ensure-promtool.sh).
set -uo pipefail

for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    echo "$candidate"
    exit 0
  fi
done

sudo=""
[ "$(id -u)" -eq 0 ] || { sudo -n true 2> /dev/null && sudo="sudo -n"; }
if command -v apt-get > /dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; }; then
  echo "ensure-chromium: installing Chromium (Debian package chromium) ..." >&2
  log="$(mktemp)"
  if { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    --no-install-recommends chromium; } > "$log" 2>&1 && [ -x /usr/bin/chromium ]; then
    rm -f "$log"
    echo /usr/bin/chromium
    exit 0
  fi
  tail -n 20 "$log" >&2
  rm -f "$log"
fi

cat >&2 << 'MSG'
ensure-chromium: Chromium is not installed and could not be installed here.
  Install it (Debian/Ubuntu): apt-get install -y --no-install-recommends chromium
  or set CHROMIUM_PATH=/path/to/chromium
MSG
exit 127
