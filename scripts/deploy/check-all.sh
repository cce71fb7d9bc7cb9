#!/usr/bin/env bash
# Every check of the deployment assets, in one command (CI calls this); none needs Docker:
#   1. the checkers' own unit tests (node --test scripts/deploy/test/*.test.mjs)
#   2. Prometheus rules, rule unit tests and scrape config (promtool)      check-prometheus.sh
#   3. dashboards and rules query only metrics the code exports            check-dashboards.mjs
#   4. docker-compose.yml (health checks, limits, depends_on, env keys …)  check-compose.mjs
#   5. the services' Dockerfiles (multi-stage, node:24, prod deps, …)      check-dockerfiles.mjs
#   6. each image's runtime tree, built by following its Dockerfile, starts check-prod-start.mjs
#      (production dependencies only), passes its HEALTHCHECK and stops on SIGTERM
# Runs them all, then prints which failed; exit code 0 only when every check passed.
# Needs Node 24 (scripts/node-env.sh) and promtool (apt-get install prometheus); check 6 also
# needs the build (npx nx run-many -t build) and the infrastructure (npm run infra:up).
set -uo pipefail
cd "$(dirname "$0")/../.."
if [ "$(node -p 'process.versions.node.split(".")[0]' 2> /dev/null || echo 0)" -lt 24 ]; then
  # shellcheck source=scripts/node-env.sh
  source scripts/node-env.sh || {
    echo "check-all: could not put Node 24 on PATH" >&2
    exit 1
  }
fi

failed=()
run() {
  local name="$1"
  shift
  echo
  echo "=== deploy check: $name"
  if "$@"; then
    echo "--- $name: ok"
  else
    echo "--- $name: FAILED (exit code $?)" >&2
    failed+=("$name")
  fi
}

run "checker unit tests" node --test --test-reporter=dot 'scripts/deploy/test/*.test.mjs'
run "prometheus rules" bash scripts/deploy/check-prometheus.sh
run "dashboard metrics" node scripts/deploy/check-dashboards.mjs
run "compose file" node scripts/deploy/check-compose.mjs
run "dockerfiles" node scripts/deploy/check-dockerfiles.mjs
run "production starts" node scripts/deploy/check-prod-start.mjs

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "check-all: ${#failed[@]} of 6 deploy checks FAILED:" >&2
  printf '  - %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "check-all: all 6 deploy checks passed"
