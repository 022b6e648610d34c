#!/usr/bin/env bash
# Side-by-side training throughput: MetaTune's engine vs PyTorch CPU on the protocol of
# ../shared/bench/dl.md, alternating the two tools for each (benchmark, threads) so both see the
# same machine load. Prints one line per measurement and the ratio MetaTune / PyTorch.
#   usage: bench/compare_training.sh [--quick] [--threads 1,2] [--only digits-mlp,mnist-mlp,small-cnn] [--reps 1]
set -euo pipefail
QUICK="" THREADS="1,2" ONLY="digits-mlp,mnist-mlp,small-cnn" REPS=1
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK="--quick"; shift ;;
        --threads) THREADS="$2"; shift 2 ;;
        --only) ONLY="$2"; shift 2 ;;
        --reps) REPS="$2"; shift 2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
cd "$(dirname "$0")/.."
BIN="${METATUNE_BIN:-.build/release/metatune}"
SHARED="${SHARED_BENCH:-../shared/bench}"
[ -x "$BIN" ] || { echo "build first: swift build -c release --product metatune" >&2; exit 1; }
PY="$(bench/torch-venv.sh)/bin/python"
export DIGITS_CSV="${DIGITS_CSV:-$(cd "$SHARED/../data" && pwd)/digits.csv}"

torch_name() { case "$1" in digits-mlp) echo digits ;; mnist-mlp) echo mnist ;; small-cnn) echo cnn ;; esac; }
torch_key() { case "$1" in digits-mlp) echo DIGITS-MLP ;; mnist-mlp) echo MNIST-SHAPED-MLP ;; small-cnn) echo SMALL-CNN ;; esac; }

for rep in $(seq 1 "$REPS"); do
  for bench in ${ONLY//,/ }; do
    for t in ${THREADS//,/ }; do
      mt=$("$BIN" bench --train "$bench" --threads "$t" $QUICK --json)
      pt=$(OMP_NUM_THREADS="$t" "$PY" "$SHARED/anchors/dl/torch_bench.py" --only "$(torch_name "$bench")" --threads "$t" $QUICK 2>/dev/null)
      python3 - "$bench" "$t" "$rep" "$(torch_key "$bench")" "$mt" "$pt" <<'PY'
import json, sys
bench, t, rep, key, mt, pt = sys.argv[1:]
m = json.loads(mt)
p = [r for r in json.loads(pt)["results"] if r["benchmark"] == key][0]
ms, ps = m["samples_per_sec"], p["samples_per_s_median"]
acc = f"  val_acc metatune {m['val_acc']:.4f} torch {p['val_accuracy_median']:.4f}" if "val_acc" in m else ""
oc = max(p.get("other_cores_all") or [0])
print(f"rep {rep} {bench:11s} threads {t}: metatune {ms:10.0f}  torch {ps:10.0f} samples/s  ratio {ms / ps:5.2f}{acc}  (torch max other_cores {oc:.2f})")
PY
    done
  done
done
