#!/usr/bin/env bash
# Stores one trial's learning curve of N points printed at once by a command, with SQLite and in
# memory, and prints the wall time of each run (BENCHMARKS.md, "Storing learning curves").
#   bench/curve/store_curve.sh [--metatune BIN] [--points N] [--reps K]
set -euo pipefail
bin=.build/release/metatune points=100000 reps=3
while [ $# -gt 0 ]; do
  case "$1" in
    --metatune) bin=$2; shift 2 ;;
    --points) points=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bin=$(realpath "$bin")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'x: {type: float, low: 0, high: 1}\n' > "$work/space.yaml"
cat > "$work/curve.py" <<PY
for i in range($points): print('{"step": %d, "value": %f}' % (i, i / $points))
print(0.5)
PY
for storage in sqlite memory; do
  for rep in $(seq "$reps"); do
    rm -f "$work"/s.sqlite*
    url=$([ $storage = sqlite ] && echo "sqlite:$work/s.sqlite" || echo "memory:")
    start=$(date +%s.%N)
    (cd "$work" && "$bin" run --study curve --space space.yaml --trials 1 --storage "$url" --quiet -- python3 curve.py > /dev/null)
    end=$(date +%s.%N)
    stored=""
    [ $storage = sqlite ] && stored=", $(sqlite3 "$work/s.sqlite" 'SELECT count(*) FROM intermediate_values') points stored"
    printf '%s %d points: %.2f s%s\n' "$storage" "$points" "$(echo "$end - $start" | bc)" "$stored"
  done
done
