#!/usr/bin/env bash
# MetaTune's text pieces beside Hugging Face (bench/text_reference.py in the torch venv).
#   tokenize: ids of bench/text/adversarial.txt and of every BBC article (cut at 128, and whole),
#             `metatune text tokenize` against `tokenizers`; prints how many texts differ (0 = identical).
#   usage: bench/compare_text.sh tokenize
#   METATUNE_BIN=BIN  another binary (default .build/release/metatune)
set -euo pipefail
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
    *) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
