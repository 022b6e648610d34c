#!/usr/bin/env bash
# Wall-clock per meta-iteration, MetaTune against the PyTorch reference, alternating per pair.
# MetaTune: `fewshot train --iterations 40` (its ms per iteration over all 40); PyTorch:
# `fewshot_reference.py --time-only` (median of 20 iterations after 3 warm-ups). One JSON line per run.
#   usage: bench/compare_fewshot_speed.sh [--benchmark fashion] [--method maml] [--shots 1] [--threads 1,2] [--reps 3]
#   METATUNE_BIN=BIN  another binary (default .build/release/metatune)
set -euo pipefail
BENCHMARK=fashion METHOD=maml SHOTS=1 THREADS=1,2 REPS=3
while [ $# -gt 0 ]; do
    case "$1" in
        --benchmark) BENCHMARK="$2"; shift 2 ;;
        --method) METHOD="$2"; shift 2 ;;
        --shots) SHOTS="$2"; shift 2 ;;
        --threads) THREADS="$2"; shift 2 ;;
        --reps) REPS="$2"; shift 2 ;;
        -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
cd "$(dirname "$0")/.."
BIN="$PWD/${METATUNE_BIN:-.build/release/metatune}"
[ -x "$BIN" ] || { echo "build first: swift build -c release --product metatune" >&2; exit 1; }
PY="$(bench/torch-venv.sh)/bin/python"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for threads in ${THREADS//,/ }; do
    for rep in $(seq "$REPS"); do
        "$BIN" fewshot train --method "$METHOD" --benchmark "$BENCHMARK" --shots "$SHOTS" --iterations 40 --threads "$threads" \
            --output "$WORK/model.json" 2> "$WORK/train.log"
        ms=$(sed -n 's/.*, \([0-9.]*\) ms per iteration.*/\1/p' "$WORK/train.log")
        echo "{\"side\":\"metatune\",\"method\":\"$METHOD\",\"benchmark\":\"$BENCHMARK\",\"shots\":$SHOTS,\"threads\":$threads,\"rep\":$rep,\"seconds_per_iteration\":$(python3 -c "print($ms/1000)")}"
        "$PY" bench/fewshot_reference.py --method "$METHOD" --benchmark "$BENCHMARK" --shots "$SHOTS" --threads "$threads" --time-only 2>/dev/null \
            | python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print(json.dumps({"side":"pytorch","method":r["method"],"benchmark":r["benchmark"],"shots":r["shots"],"threads":r["threads"],"rep":int(sys.argv[1]),"seconds_per_iteration":r["seconds_per_iteration"]}))' "$rep"
    done
done
