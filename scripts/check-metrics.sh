#!/usr/bin/env bash
# Lints the service's real metrics exposition with `promtool check metrics` (Debian package `prometheus`).
#
#   scripts/check-metrics.sh [SOURCE]
#     SOURCE   a URL (default http://127.0.0.1:9464/metrics, the management port), a file, or - for stdin
#   METRICS_PREFIX   the prefix the service puts on its default process metrics (as configured), default none
#   PROMTOOL         the promtool binary, default `promtool` on PATH
#
# prom-client's default families (<prefix>nodejs_*, <prefix>process_*) are left out of the LINT, not out of the
# service's output: some are gauges named *_total (nodejs_active_handles_total and friends), which promtool's
# naming rule refuses and which we cannot rename. Every other family is the project's own and must lint clean.
#
# Exit: 0 clean; 1 lint problems in the project's own metrics; 2 usage or fetch error; 3 promtool missing.
set -euo pipefail

source_arg="${1:-http://127.0.0.1:9464/metrics}"
prefix="${METRICS_PREFIX:-}"
promtool="${PROMTOOL:-promtool}"

if ! command -v "$promtool" >/dev/null 2>&1; then
  echo "check-metrics: promtool not found (install it: apt-get install -y prometheus)" >&2
  exit 3
fi
if [[ -n "$prefix" && ! "$prefix" =~ ^[a-zA-Z_][a-zA-Z0-9_]*$ ]]; then
  echo "check-metrics: METRICS_PREFIX '$prefix' is not a metric name prefix" >&2
  exit 2
fi

exposition="$(mktemp)"
trap 'rm -f "$exposition"' EXIT
case "$source_arg" in
  http://* | https://*)
    if ! curl -fsS --max-time 10 -o "$exposition" "$source_arg"; then
      echo "check-metrics: could not fetch $source_arg" >&2
      exit 2
    fi
    ;;
  -) cat >"$exposition" ;;
  *)
    if [[ ! -r "$source_arg" ]]; then
      echo "check-metrics: cannot read $source_arg" >&2
      exit 2
    fi
    cp "$source_arg" "$exposition"
    ;;
esac

# Drop whole default families: the HELP/TYPE lines name the family, its samples follow them.
own="$(awk -v skip="^${prefix}(nodejs|process)_" '
  /^# (HELP|TYPE) / { dropping = ($3 ~ skip) }
  !dropping { print }
' "$exposition")"
families_total=$(grep -c '^# TYPE ' "$exposition" || true)
families_own=$(grep -c '^# TYPE ' <<<"$own" || true)
if [[ "$families_own" -eq 0 ]]; then
  echo "check-metrics: no metric families of the service in $source_arg" >&2
  exit 2
fi

set +e
problems="$("$promtool" check metrics <<<"$own" 2>&1)"
status=$?
set -e
if [[ $status -ne 0 ]]; then
  echo "check-metrics: promtool found problems in the service's own metrics:" >&2
  printf '%s\n' "$problems" >&2
  exit 1
fi
echo "check-metrics: $families_own own families lint clean ($((families_total - families_own)) default process families not linted)"
