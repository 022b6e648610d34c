#!/usr/bin/env bash
# MetaTune's few-shot learners beside the PyTorch reference (bench/fewshot_reference.py), same
# protocol, one method and shot count after the other, MetaTune first: meta-test scores after each
# number of adaptation steps, and the training wall-clock per meta-iteration. Appends JSON lines
# ({"side": "metatune"|"pytorch", ...the eval line..., "seconds_per_iteration"}) to OUT, then prints
# a markdown table of everything in OUT.
#   usage: bench/compare_fewshot.sh --benchmark sinusoid|fashion [--shots 5,10] [--methods maml,fomaml,...]
#          [--ways 4] [--seed 0] [--threads 1] [--iterations N] [--out FILE] [--table-only]
#   METATUNE_BIN=BIN  another binary (default .build/release/metatune)
set -euo pipefail
BENCHMARK="" SHOTS="" METHODS="" WAYS=4 SEED=0 THREADS=1 ITERATIONS="" OUT="" TABLE_ONLY=0
while [ $# -gt 0 ]; do
    case "$1" in
        --benchmark) BENCHMARK="$2"; shift 2 ;;
        --shots) SHOTS="$2"; shift 2 ;;
        --methods) METHODS="$2"; shift 2 ;;
        --ways) WAYS="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        --threads) THREADS="$2"; shift 2 ;;
        --iterations) ITERATIONS="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        --table-only) TABLE_ONLY=1; shift ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
case "$BENCHMARK" in
    sinusoid) SHOTS=${SHOTS:-5,10}; METHODS=${METHODS:-maml,fomaml,reptile,metasgd,anil,scratch,pretrain}; STEPS=1,10; EPISODES=500 ;;
    fashion) SHOTS=${SHOTS:-1,5}; METHODS=${METHODS:-maml,fomaml,reptile,metasgd,anil,protonet,scratch,pretrain}; STEPS=1,5; EPISODES=600 ;;
    *) echo "--benchmark must be sinusoid or fashion" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/results/fewshot-$BENCHMARK.jsonl}
if [ "$TABLE_ONLY" = 0 ]; then
    BIN="$PWD/${METATUNE_BIN:-.build/release/metatune}"
    [ -x "$BIN" ] || { echo "build first: swift build -c release --product metatune" >&2; exit 1; }
    PY="$(bench/torch-venv.sh)/bin/python"
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
    extra=()
    [ -n "$ITERATIONS" ] && extra=(--iterations "$ITERATIONS")
    for shots in ${SHOTS//,/ }; do
        for method in ${METHODS//,/ }; do
            echo "$BENCHMARK $shots-shot $method: MetaTune" >&2
            "$BIN" fewshot train --method "$method" --benchmark "$BENCHMARK" --shots "$shots" --ways "$WAYS" --seed "$SEED" \
                --threads "$THREADS" "${extra[@]}" --output "$WORK/model.json" 2> "$WORK/train.log" \
                || { cat "$WORK/train.log" >&2; exit 1; }
            per=$(sed -n 's/.*, \([0-9.]*\) ms per iteration.*/\1/p' "$WORK/train.log")
            "$BIN" fewshot eval --model "$WORK/model.json" --steps "$STEPS" --episodes "$EPISODES" --threads "$THREADS" --json --quiet \
                | python3 -c 'import json,sys; p=sys.argv[1]; [print(json.dumps({"side":"metatune",**json.loads(l),"seconds_per_iteration":(float(p)/1000 if p else None),"threads":int(sys.argv[2])})) for l in sys.stdin]' "$per" "$THREADS" >> "$OUT"
            # The reference's stronger baselines: 50 Adam steps (lr 0.01), on the whole fresh
            # network (scratch) or on a fresh head over the pre-trained body (pretrain).
            if [ "$BENCHMARK" = fashion ] && { [ "$method" = scratch ] || [ "$method" = pretrain ]; }; then
                head=(); [ "$method" = pretrain ] && head=(--head-only)
                "$BIN" fewshot eval --model "$WORK/model.json" --steps 50 --episodes "$EPISODES" --threads "$THREADS" --json --quiet \
                    --adapt-optimizer adam --adapt-lr 0.01 "${head[@]}" \
                    | python3 -c 'import json,sys; [print(json.dumps({"side":"metatune",**json.loads(l),"method":sys.argv[1]+"-adam50","threads":int(sys.argv[2])})) for l in sys.stdin]' "$method" "$THREADS" >> "$OUT"
            fi
            echo "$BENCHMARK $shots-shot $method: PyTorch" >&2
            "$PY" bench/fewshot_reference.py --method "$method" --benchmark "$BENCHMARK" --shots "$shots" --ways "$WAYS" --seed "$SEED" \
                --threads "$THREADS" --eval-steps "$STEPS" "${extra[@]}" 2>/dev/null \
                | python3 -c 'import json,sys; [print(json.dumps({"side":"pytorch",**json.loads(l)})) for l in sys.stdin]' >> "$OUT"
        done
    done
fi

python3 - "$OUT" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
def key(r): return (r["benchmark"], r["shots"], r["method"], r["steps"])
sides = {}
for r in rows: sides.setdefault(key(r), {})[r["side"]] = r
print("| benchmark | shots | method | steps | MetaTune | PyTorch | MetaTune ms/iter | PyTorch ms/iter |")
print("|---|---:|---|---:|---:|---:|---:|---:|")
for k in sorted(sides):
    m, p = sides[k].get("metatune"), sides[k].get("pytorch")
    metric = "mse" if k[0] == "sinusoid" else "accuracy"
    def cell(r):
        if not r: return "—"
        before = f" (before {r['before_adaptation']:.3g})" if r.get("before_adaptation") is not None else ""
        value = "n/a (diverged)" if r.get(metric) is None else f"{r[metric]:.3f}"
        spread = f" ± {r['ci95']:.3f}" if r.get("ci95") is not None else ""
        return f"{value}{spread}{before}"
    def ms(r):
        s = r.get("seconds_per_iteration") if r else None
        return f"{1000 * s:.1f}" if s else "—"
    print(f"| {k[0]} | {k[1]} | {k[2]} | {k[3]} | {cell(m)} | {cell(p)} | {ms(m)} | {ms(p)} |")
PY
