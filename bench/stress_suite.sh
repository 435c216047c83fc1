#!/usr/bin/env bash
# The whole test suite N times in a row (default 5) beside two busy processes, as on a loaded 2-core
# machine: `stress --cpu 2` (Debian package `stress`: `sudo apt-get install stress`), or, without it,
# two Python busy loops. The busy processes are stopped on exit, whatever the exit.
#
#   bench/stress_suite.sh [RUNS] [pytest arguments...]     e.g. bench/stress_suite.sh 3 -x
#   make stress-suite                                       (RUNS=5)
#
# Each run's result, wall time and failed tests are appended to bench/out/stress-suite.log; each run's
# whole pytest output is in bench/out/stress-suite-run<N>.txt. Exits 1 if any run failed.
set -uo pipefail
cd "$(dirname "$0")/.."

RUNS="${1:-5}"
shift $(( $# > 0 ? 1 : 0 ))
PY="${PY:-.venv/bin/python}"
OUT=bench/out
LOG="$OUT/stress-suite.log"
mkdir -p "$OUT"

if ! [[ "$RUNS" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [RUNS] [pytest arguments...]   (RUNS a positive integer, default 5)" >&2
    exit 2
fi
if [ ! -x "$PY" ]; then
    echo "$PY not found: run 'make .venv/.installed' first (or set PY=...)" >&2
    exit 2
fi

BUSY_PIDS=()
stop_busy() {
    for pid in "${BUSY_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${BUSY_PIDS[@]}"; do
        wait "$pid" 2>/dev/null
    done
    BUSY_PIDS=()
}
trap stop_busy EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if command -v stress >/dev/null 2>&1; then
    stress --cpu 2 >/dev/null 2>&1 &
    BUSY_PIDS+=("$!")
    load="stress --cpu 2 (pid $!)"
else
    echo "stress not installed (Debian/Ubuntu: sudo apt-get install stress); using two Python busy loops" >&2
    for _ in 1 2; do
        "$PY" -c 'while True: pass' &
        BUSY_PIDS+=("$!")
    done
    load="two python busy loops (pids ${BUSY_PIDS[*]})"
fi

{
    echo "=== $(date -u +%FT%TZ) $RUNS runs of the suite beside $load; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "    git $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet 2>/dev/null || echo '+changes'); pytest args: ${*:-(none)}"
} | tee -a "$LOG"

failed_runs=0
for run in $(seq 1 "$RUNS"); do
    out="$OUT/stress-suite-run$run.txt"
    start=$(date +%s)
    "$PY" -m pytest -q -p no:cacheprovider -rfE "$@" >"$out" 2>&1
    status=$?
    seconds=$(( $(date +%s) - start ))
    summary=$(grep -E '(passed|failed|error|skipped).* in [0-9.]+s' "$out" | tail -1 | tr -d '=' | sed 's/^ *//; s/ *$//')
    if [ "$status" -eq 0 ]; then
        result="green"
    else
        result="FAILED (pytest exit $status)"
        failed_runs=$((failed_runs + 1))
    fi
    {
        echo "run $run/$RUNS: $result in ${seconds}s wall; $summary; load $(cut -d' ' -f1-3 /proc/loadavg)"
        grep -E '^(FAILED|ERROR) ' "$out" | sed 's/^/    /'
    } | tee -a "$LOG"
done

echo "=== $(date -u +%FT%TZ) $((RUNS - failed_runs))/$RUNS runs green" | tee -a "$LOG"
[ "$failed_runs" -eq 0 ]
