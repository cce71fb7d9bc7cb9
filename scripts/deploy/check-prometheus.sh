#!/usr/bin/env bash
# Checks the Prometheus alerting and recording rules (deploy/prometheus/rules/*.yml) with
# `promtool check rules`, then runs their unit tests (deploy/prometheus/tests/*.yml) with
# `promtool test rules`, and the scrape config (deploy/prometheus/prometheus.yml) with
# `promtool check config`, its rule_files pointed at this checkout so that they are loaded too.
# Exit code 0 only when everything passes.
#
# promtool ships with Prometheus; ensure-promtool.sh installs Debian's package when it is missing
# (or set PROMTOOL to a promtool binary).
set -uo pipefail
cd "$(dirname "$0")/../.."

# Installs it first where the machine allows (scripts/deploy/ensure-promtool.sh).
promtool="$(bash scripts/deploy/ensure-promtool.sh)" || exit 127

shopt -s nullglob
rules=(deploy/prometheus/rules/*.yml)
tests=(deploy/prometheus/tests/*.yml)
if [ ${#rules[@]} -eq 0 ] || [ ${#tests[@]} -eq 0 ]; then
  echo "check-prometheus: no rule files or no rule tests under deploy/prometheus/" >&2
  exit 1
fi

failed=()
echo "check-prometheus: $("$promtool" --version 2>&1 | head -n 1)"
"$promtool" check rules "${rules[@]}" || failed+=("promtool check rules")
"$promtool" test rules "${tests[@]}" || failed+=("promtool test rules")

# The container mounts the rules at /etc/prometheus/rules: check the config against this checkout.
config="$(mktemp)"
trap 'rm -f "$config"' EXIT
sed "s#/etc/prometheus/rules/#$PWD/deploy/prometheus/rules/#" deploy/prometheus/prometheus.yml > "$config"
grep -q "$PWD/deploy/prometheus/rules/" "$config" || failed+=("prometheus.yml does not load /etc/prometheus/rules/")
"$promtool" check config "$config" || failed+=("promtool check config deploy/prometheus/prometheus.yml")

# Every rule file must have a test file of the same name (rules/x.yml -> tests/x.test.yml).
for rule in "${rules[@]}"; do
  test_file="deploy/prometheus/tests/$(basename "$rule" .yml).test.yml"
  [ -f "$test_file" ] || failed+=("no unit test for $rule (expected $test_file)")
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "check-prometheus: FAILED:" >&2
  printf '  - %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "check-prometheus: ok (${#rules[@]} rule files, ${#tests[@]} test files)"
