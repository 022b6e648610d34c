#!/usr/bin/env bash
# Trials per second through one throw-away PostgreSQL server, MetaTune beside Optuna's RDBStorage,
# alternating within each repetition so both see the same machine load; medians over REPS.
#   library: `metatune bench storage` against bench/optuna_rdb_throughput.py (worker processes
#            doing ask -> objective -> tell; objective instant (x^2) or sleep100), 1, 8, 32 workers;
#   run:     `metatune run --concurrency N` with the commands `sh -c 'echo 1'` (instant) and
#            `sh -c 'sleep 0.1; echo 1'`, RUN_TRIALS_PER_WORKER trials per concurrent worker.
# Prints a markdown table on stdout (progress on stderr) and writes every raw result as JSON lines
# to OUT (default: a file in a temporary folder, removed afterwards; pass --out to keep it).
#   usage: bench/storage_throughput.sh [--reps 3] [--seconds 10] [--workers 1,8,32] [--out FILE]
#   METATUNE_BIN=BIN  another binary (default .build/release/metatune)
set -euo pipefail
REPS=3 SECONDS_PER=10 WORKERS=1,8,32 OUT="" RUN_TRIALS_PER_WORKER=30
while [ $# -gt 0 ]; do
    case "$1" in
        --reps) REPS="$2"; shift 2 ;;
        --seconds) SECONDS_PER="$2"; shift 2 ;;
        --workers) WORKERS="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
cd "$(dirname "$0")/.."
BIN="$PWD/${METATUNE_BIN:-.build/release/metatune}"
[ -x "$BIN" ] || { echo "build first: swift build -c release --product metatune" >&2; exit 1; }
PY="$(bench/anchors-venv.sh)/bin/python"

WORK=$(mktemp -d)
DB="$WORK/db"
cleanup() { scripts/postgres-server.sh stop "$DB" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
chmod 755 "$WORK"
URL=$(scripts/postgres-server.sh start "$DB")
[ -n "$OUT" ] || OUT="$WORK/results.jsonl"
: > "$OUT"
printf 'x: {type: float, low: -10, high: 10}\n' > "$WORK/space.yaml"

now() { python3 -c 'import time; print(time.perf_counter())'; }

# run_once COMMAND_KIND WORKERS: one `metatune run` study; appends its result to OUT.
run_once() {
    local kind=$1 workers=$2 trials start end command
    trials=$((RUN_TRIALS_PER_WORKER * workers))
    if [ "$kind" = instant ]; then command='echo 1'; else command='sleep 0.1; echo 1'; fi
    start=$(now)
    "$BIN" run --study "run-$kind-$workers-$RANDOM$RANDOM" --space "$WORK/space.yaml" --trials "$trials" \
        --concurrency "$workers" --sampler tpe --quiet --storage "$URL" -- sh -c "$command" >/dev/null
    end=$(now)
    python3 -c "import json,sys; t=$end-$start; print(json.dumps({'side':'metatune-run','objective':'$kind','workers':$workers,'trials':$trials,'seconds':t,'trials_per_s':$trials/t}))" >> "$OUT"
}

for rep in $(seq 1 "$REPS"); do
    for objective in instant sleep100; do
        echo "rep $rep/$REPS, $objective: MetaTune library" >&2
        "$BIN" bench storage --storage "$URL" --workers "$WORKERS" --objective "$objective" --seconds "$SECONDS_PER" --json \
            | python3 -c 'import json,sys; d=json.load(sys.stdin); [print(json.dumps({"side":"metatune","objective":d["objective"],**r})) for r in d["results"]]' >> "$OUT"
        echo "rep $rep/$REPS, $objective: Optuna" >&2
        "$PY" bench/optuna_rdb_throughput.py --url "$URL" --workers "$WORKERS" --objective "$objective" --seconds "$SECONDS_PER" --json 2>/dev/null \
            | python3 -c 'import json,sys; d=json.load(sys.stdin); [print(json.dumps({"side":"optuna","objective":d["objective"],**r})) for r in d["results"]]' >> "$OUT"
        echo "rep $rep/$REPS, $objective: metatune run" >&2
        for workers in ${WORKERS//,/ }; do run_once "$objective" "$workers"; done
    done
done

python3 - "$OUT" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
def med(side, objective, workers):
    xs = [r["trials_per_s"] for r in rows if r["side"] == side and r["objective"] == objective and r["workers"] == workers]
    return (statistics.median(xs), xs) if xs else (None, [])
workers = sorted({r["workers"] for r in rows})
print("| objective | workers | MetaTune library trials/s | Optuna trials/s | MetaTune / Optuna | `metatune run` trials/s | ideal |")
print("|---|---:|---:|---:|---:|---:|---:|")
for objective in ("instant", "sleep100"):
    for w in workers:
        m, mx = med("metatune", objective, w)
        o, ox = med("optuna", objective, w)
        r, rx = med("metatune-run", objective, w)
        ideal = f"{10 * w}" if objective == "sleep100" else "—"
        share = lambda v: f" ({100 * v / (10 * w):.0f} %)" if objective == "sleep100" and v else ""
        fmt = lambda v, xs: "—" if v is None else f"{v:.1f}{share(v)} [{' / '.join(f'{x:.0f}' for x in xs)}]"
        ratio = f"{m / o:.1f}×" if m and o else "—"
        print(f"| {objective} | {w} | {fmt(m, mx)} | {fmt(o, ox)} | {ratio} | {fmt(r, rx)} | {ideal} |")
PY
