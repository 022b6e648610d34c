#!/usr/bin/env bash
# Trials per second through `metatune run` with an instant command (/bin/echo 1), for 1 and 4 concurrent
# runner processes on one SQLite file, and the storage overhead per trial (SQLite minus in-memory storage,
# same sampler, same command). Release build; medians over REPS repetitions.
#   usage: bench/run_throughput.sh [--trials 300] [--reps 3] [--sampler random]
set -euo pipefail
TRIALS=300 REPS=3 SAMPLER=random
while [ $# -gt 0 ]; do
    case "$1" in
        --trials) TRIALS="$2"; shift 2 ;;
        --reps) REPS="$2"; shift 2 ;;
        --sampler) SAMPLER="$2"; shift 2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
cd "$(dirname "$0")/.."
BIN="$PWD/${METATUNE_BIN:-.build/release/metatune}"
[ -x "$BIN" ] || { echo "build first: swift build -c release --product metatune" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
printf 'x: {type: float, low: 0, high: 1}\nn: {type: int, low: 1, high: 8}\n' > "$WORK/space.yaml"

now() { python3 -c 'import time; print(time.perf_counter())'; }
# run_once STORAGE RUNNERS -> seconds for TRIALS trials
run_once() {
    local storage=$1 runners=$2 start end
    rm -f "$WORK"/db.sqlite*
    start=$(now)
    for _ in $(seq 1 "$runners"); do
        (cd "$WORK" && "$BIN" run --study s --space space.yaml --trials "$TRIALS" --sampler "$SAMPLER" --quiet \
            --storage "$storage" -- /bin/echo 1) &
    done
    wait
    end=$(now)
    python3 -c "print($end - $start)"
}
median() { python3 -c 'import sys, statistics; print(statistics.median(map(float, sys.argv[1:])))' "$@"; }

declare -A times
for rep in $(seq 1 "$REPS"); do
    for config in "sqlite:db.sqlite 1" "sqlite:db.sqlite 4" "memory: 1"; do
        set -- $config
        t=$(run_once "$1" "$2")
        times["$config"]+="$t "
        echo "rep $rep: storage $1, $2 runner(s): $TRIALS trials in $(printf '%.3f' "$t") s" >&2
    done
done
s1=$(median ${times["sqlite:db.sqlite 1"]}); s4=$(median ${times["sqlite:db.sqlite 4"]}); m1=$(median ${times["memory: 1"]})
python3 - "$TRIALS" "$s1" "$s4" "$m1" "$SAMPLER" <<'PY'
import sys
n, s1, s4, m1, sampler = int(sys.argv[1]), *map(float, sys.argv[2:5]), sys.argv[5]
print(f"sampler {sampler}, {n} trials, medians:")
print(f"  SQLite, 1 runner : {n / s1:7.1f} trials/s ({1000 * s1 / n:.2f} ms/trial)")
print(f"  SQLite, 4 runners: {n / s4:7.1f} trials/s ({1000 * s4 / n:.2f} ms/trial)")
print(f"  memory, 1 runner : {n / m1:7.1f} trials/s ({1000 * m1 / n:.2f} ms/trial)")
print(f"  storage overhead per trial (SQLite - memory, 1 runner): {1000 * (s1 - m1) / n:.2f} ms")
PY
