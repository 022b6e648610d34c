#!/usr/bin/env bash
# Acceptance check: `metatune study copy` from SQLite to PostgreSQL and back loses nothing — every
# study's `study export --format json` is byte-identical after the round trip.
#
# Usage: bench/copy_roundtrip.sh SOURCE.sqlite [METATUNE]
#   SOURCE.sqlite  the studies to copy (e.g. the task-pool knowledge base as `meta collect` builds
#                  it: `metatune meta collect --tasks ../shared/data/tasks --storage sqlite:kb.sqlite`)
#   METATUNE       the binary (default .build/release/metatune)
# Starts a throw-away PostgreSQL server (scripts/postgres-server.sh, stopped on exit), copies
# every study SQLite → PostgreSQL → a new SQLite file, exports each study from the source and
# from the copy, and compares the bytes. Prints one line per study that differs, the counts, and
# PASS or FAIL; exit 0 or 1 (2: cannot run). Nothing is written but a temporary folder, removed
# at the end.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SOURCE=${1:?usage: bench/copy_roundtrip.sh SOURCE.sqlite [METATUNE]}
MT=${2:-$ROOT/.build/release/metatune}
[ -f "$SOURCE" ] || { echo "copy_roundtrip: no file $SOURCE" >&2; exit 2; }
[ -x "$MT" ] || { echo "copy_roundtrip: no binary $MT" >&2; exit 2; }
W=$(mktemp -d "${TMPDIR:-/tmp}/metatune-copy.XXXXXX")
PGDIR=$(mktemp -d)   # its own folder: the postgres user must reach it
chmod 755 "$PGDIR"
URL=""
cleanup() {
    [ -n "$URL" ] && "$ROOT/scripts/postgres-server.sh" stop "$PGDIR" >/dev/null 2>&1
    rm -rf "$W" "$PGDIR"
}
trap cleanup EXIT
URL=$("$ROOT/scripts/postgres-server.sh" start "$PGDIR") || { echo "copy_roundtrip: cannot start PostgreSQL" >&2; exit 2; }
cp "$SOURCE" "$W/source.sqlite"
start=$(date +%s.%N)
"$MT" study copy --all --from "sqlite:$W/source.sqlite" --to "$URL" || { echo "FAIL: copy to PostgreSQL"; exit 1; }
"$MT" study copy --all --from "$URL" --to "sqlite:$W/back.sqlite" || { echo "FAIL: copy back to SQLite"; exit 1; }
copied=$(date +%s.%N)
names=$(sqlite3 "$W/source.sqlite" "SELECT name FROM studies ORDER BY id")
studies=0 differ=0 trials=0
while IFS= read -r name; do
    [ -n "$name" ] || continue
    studies=$((studies + 1))
    "$MT" study export "$name" --storage "sqlite:$W/source.sqlite" --format json --output "$W/a.json" --force >/dev/null
    "$MT" study export "$name" --storage "sqlite:$W/back.sqlite" --format json --output "$W/b.json" --force >/dev/null
    trials=$((trials + $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["trials"]) if isinstance(d, dict) else len(d))' "$W/a.json")))
    if ! cmp -s "$W/a.json" "$W/b.json"; then
        differ=$((differ + 1))
        echo "differs: $name ($(cmp "$W/a.json" "$W/b.json" | head -n 1))"
    fi
done <<<"$names"
printf 'studies %d, trials %d, differing exports %d; both copies took %.1f s\n' "$studies" "$trials" "$differ" \
    "$(echo "$copied - $start" | bc)"
if [ "$studies" -gt 0 ] && [ "$differ" -eq 0 ]; then echo PASS; exit 0; fi
echo FAIL; exit 1
