#!/usr/bin/env bash
# Side-by-side ask() time: a MetaTune sampler vs Optuna's sampler of the same kind (TPESampler or GPSampler)
# on one shared benchmark problem, same machine, same run.
#   usage: bench/compare_ask_time.sh [--sampler tpe|gp] [--problem ackley] [--trials 1000] [--reps 3]
#   METATUNE_BIN  MetaTune binary, relative to the repo root (default: .build/release/metatune; swift build -c release)
#   SHARED_BENCH  shared bench folder, relative to the repo root (default: ../shared/bench)
#   ANCHOR_VENV   see bench/anchors-venv.sh (the venv is made on first use)
# The two tools run alternately REPS times so both see the same machine load. Prints one line per rep,
# then the median of each and the ratio of medians (optuna/metatune; > 1 means MetaTune asks faster).
set -euo pipefail

SAMPLER=tpe PROBLEM=ackley TRIALS=1000 REPS=3
while [ $# -gt 0 ]; do
    case "$1" in
        --sampler) SAMPLER="$2"; shift 2 ;;
        --problem) PROBLEM="$2"; shift 2 ;;
        --trials)  TRIALS="$2";  shift 2 ;;
        --reps)    REPS="$2";    shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$SAMPLER" == tpe || "$SAMPLER" == gp ]] || { echo "--sampler takes tpe or gp" >&2; exit 2; }
[[ "$TRIALS" =~ ^[1-9][0-9]*$ && "$REPS" =~ ^[1-9][0-9]*$ ]] || { echo "--trials and --reps take positive integers" >&2; exit 2; }

cd "$(dirname "$0")/.."
METATUNE_BIN="${METATUNE_BIN:-.build/release/metatune}"
SHARED_BENCH="${SHARED_BENCH:-../shared/bench}"
ASK_RUN="$SHARED_BENCH/anchors/hpo/ask_run.py"
[ -x "$METATUNE_BIN" ] || { echo "no MetaTune binary at $METATUNE_BIN (swift build -c release, or set METATUNE_BIN)" >&2; exit 1; }
[ -f "$ASK_RUN" ] || { echo "no $ASK_RUN (set SHARED_BENCH)" >&2; exit 1; }
PY="$(bench/anchors-venv.sh)/bin/python"

# mean_ask_ms from the last JSON line of stdin that has it
ask_ms() {
    python3 -c '
import json, sys
v = None
for line in sys.stdin:
    try: v = json.loads(line)["mean_ask_ms"]
    except (ValueError, KeyError, TypeError): pass
if v is None: sys.exit("no mean_ask_ms in output")
print(v)'
}

mt_all=() op_all=()
for rep in $(seq 1 "$REPS"); do
    mt=$("$METATUNE_BIN" bench --problem "$PROBLEM" --sampler "$SAMPLER" --trials "$TRIALS" --seeds 1 --json | ask_ms)
    op=$("$PY" "$ASK_RUN" --sampler "$SAMPLER" --problem "$PROBLEM" --trials "$TRIALS" | ask_ms)
    mt_all+=("$mt") op_all+=("$op")
    python3 -c 'import sys; r, n, m, o = sys.argv[1:]; m, o = float(m), float(o); x = o / m if m else float("inf")
print(f"rep {r}/{n}: metatune {m:.4f} ms  optuna {o:.4f} ms  optuna/metatune {x:.2f}x")' \
        "$rep" "$REPS" "$mt" "$op"
done

python3 -c 'import sys, statistics as st
s, p, t, n, m, o = sys.argv[1:]; m = st.median(map(float, m.split())); o = st.median(map(float, o.split()))
x = o / m if m else float("inf")
print(f"median ({s}, {p}, {t} trials, {n} reps): metatune {m:.4f} ms  optuna {o:.4f} ms  optuna/metatune {x:.2f}x")' \
    "$SAMPLER" "$PROBLEM" "$TRIALS" "$REPS" "${mt_all[*]}" "${op_all[*]}"
