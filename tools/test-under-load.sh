#!/usr/bin/env bash
# Runs the end-to-end suite N times in a row while busy loops keep the CPU cores occupied, to find tests that
# depend on the machine's speed. Builds once first (the suite runs the built service too).
#
#   bash tools/test-under-load.sh [runs=3] [busy loops=number of cores] [-- extra jest arguments]
#
# Prints one line per run (exit code, passed/failed tests, seconds) and a summary; each run's whole output is
# kept in $OUT_DIR (default: a fresh temporary folder). Exits 1 when any run failed. The busy loops are stopped
# on every exit, Ctrl-C included.
set -uo pipefail
cd "$(dirname "$0")/.."
source tools/ensure-node.sh

runs="${1:-3}"
loops="${2:-$(nproc)}"
shift $(($# < 2 ? $# : 2))
[[ "${1:-}" == "--" ]] && shift
out_dir="${OUT_DIR:-$(mktemp -d -t e2e-under-load.XXXXXX)}"
mkdir -p "$out_dir"

busy=()
stop_busy() {
  for pid in "${busy[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${busy[@]}"; do wait "$pid" 2>/dev/null; done
  busy=()
}
trap stop_busy EXIT
trap 'exit 130' INT TERM

npm run build --silent || exit 1
for _ in $(seq "$loops"); do
  node -e 'for (;;) {}' &
  busy+=("$!")
done

echo "date $(date -u +%F), commit $(git rev-parse --short HEAD), $runs runs of npm run test:e2e beside $loops busy loops on $(nproc) cores; logs in $out_dir"
failed_runs=0
total_start=$SECONDS
for run in $(seq "$runs"); do
  start=$SECONDS
  # Jest's --selectProjects takes every word after it: test paths go after a second "--".
  npm run test:e2e -- ${1:+--} "$@" >"$out_dir/run-$run.log" 2>&1
  code=$?
  tests=$(grep -E '^Tests:' "$out_dir/run-$run.log" | tail -1)
  echo "run $run: exit $code, ${tests:-Tests: (no summary)}, $((SECONDS - start)) s"
  if [[ $code -ne 0 ]]; then
    failed_runs=$((failed_runs + 1))
    grep -E '^\s+✕' "$out_dir/run-$run.log" | sed 's/^/  /'
  fi
done
echo "$failed_runs of $runs runs failed, $((SECONDS - total_start)) s in all"
[[ $failed_runs -eq 0 ]]
