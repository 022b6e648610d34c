#!/usr/bin/env bash
# MetaTune's text pieces beside Hugging Face (bench/text_reference.py in the torch venv).
#   tokenize: ids of bench/text/adversarial.txt and of every BBC article (cut at 128, and whole),
#             `metatune text tokenize` against `tokenizers`; prints how many texts differ (0 = identical).
#   embed:    sentence embeddings of 100 BBC sentences (text_reference.py sentences), `metatune text
#             embed` against sentence-transformers; prints the largest absolute difference.
#   throughput: forward sentences/s at length 128, batches of 32, alternating MetaTune and PyTorch,
#             --threads 1,2 (default) --reps 3; prints one JSON line per run. MetaTune runs a batch
#             per thread side by side (as `text embed` and `tune` encode) and, above 1 thread, also
#             one batch at a time with every op split (side "metatune-one-batch").
#   usage: bench/compare_text.sh tokenize|embed|throughput [--threads 1,2] [--reps 3]
#   METATUNE_BIN=BIN  another binary (default .build/release/metatune)
set -euo pipefail
case "${1:-}" in
    tokenize|embed|throughput) ;;
    *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
cd "$(dirname "$0")/.."
BIN="$PWD/${METATUNE_BIN:-.build/release/metatune}"
[ -x "$BIN" ] || { echo "build first: swift build -c release --product metatune" >&2; exit 1; }
CACHE=$(scripts/fetch-text-data.sh)
PY="$(bench/torch-venv.sh)/bin/python"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

compare() {  # label, metatune output, reference output
    python3 - "$1" "$2" "$3" <<'PY'
import sys
label, ours, theirs = sys.argv[1:]
a, b = open(ours).read().split("\n"), open(theirs).read().split("\n")
differ = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
count = len([line for line in b if line])
print(f"{label}: {count} texts, {len(differ) + abs(len(a) - len(b))} differ" + (f" (first: line {differ[0] + 1})" if differ else ""))
PY
}

case "${1:-}" in
    tokenize)
        "$BIN" text tokenize --model "$CACHE/minilm" bench/text/adversarial.txt > "$WORK/adv.mt"
        "$PY" bench/text_reference.py tokenize --model-dir "$CACHE/minilm" bench/text/adversarial.txt > "$WORK/adv.hf"
        compare "adversarial strings, max length 128" "$WORK/adv.mt" "$WORK/adv.hf"
        for length in 128 1000000; do
            "$BIN" text tokenize --model "$CACHE/minilm" --column text --max-length $length "$CACHE/bbc.csv" > "$WORK/bbc.mt"
            "$PY" bench/text_reference.py tokenize --model-dir "$CACHE/minilm" --csv-column text --max-length $length "$CACHE/bbc.csv" > "$WORK/bbc.hf"
            compare "BBC articles, max length $length" "$WORK/bbc.mt" "$WORK/bbc.hf"
        done ;;
    embed)
        "$PY" bench/text_reference.py sentences --csv "$CACHE/bbc.csv" --count 100 > "$WORK/sentences.txt"
        "$BIN" text embed --model "$CACHE/minilm" --quiet "$WORK/sentences.txt" > "$WORK/emb.mt"
        "$PY" bench/text_reference.py embed --model-dir "$CACHE/minilm" "$WORK/sentences.txt" > "$WORK/emb.hf" 2>/dev/null
        python3 - "$WORK/emb.mt" "$WORK/emb.hf" <<'PY'
import json, sys
ours, theirs = ([json.loads(line) for line in open(path)] for path in sys.argv[1:])
worst = max(abs(a - b) for u, v in zip(ours, theirs) for a, b in zip(u, v))
print(f"embeddings of {len(theirs)} BBC sentences ({len(theirs[0])} floats each): largest absolute difference {worst:.3g}")
PY
        ;;
    throughput)
        shift
        THREADS=1,2 REPS=3
        while [ $# -gt 0 ]; do
            case "$1" in
                --threads) THREADS="$2"; shift 2 ;;
                --reps) REPS="$2"; shift 2 ;;
                *) echo "unknown argument: $1" >&2; exit 2 ;;
            esac
        done
        for threads in ${THREADS//,/ }; do
            for rep in $(seq "$REPS"); do
                "$BIN" bench text-encoder --model "$CACHE/minilm" --threads "$threads" --seconds 10 --json \
                    | python3 -c 'import json,sys; print(json.dumps({"side":"metatune","rep":int(sys.argv[1]),**json.loads(sys.stdin.read())}))' "$rep"
                if [ "$threads" -gt 1 ]; then
                    "$BIN" bench text-encoder --model "$CACHE/minilm" --threads "$threads" --seconds 10 --one-batch --json \
                        | python3 -c 'import json,sys; print(json.dumps({"side":"metatune-one-batch","rep":int(sys.argv[1]),**json.loads(sys.stdin.read())}))' "$rep"
                fi
                "$PY" bench/text_reference.py throughput --model-dir "$CACHE/minilm" --threads "$threads" --seconds 10 2>/dev/null \
                    | python3 -c 'import json,sys; print(json.dumps({"side":"pytorch","rep":int(sys.argv[1]),**json.loads(sys.stdin.read())}))' "$rep"
            done
        done ;;
esac
