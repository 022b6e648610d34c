#!/usr/bin/env bash
# Collects the scikit-learn pool: one `metatune run` study per task CSV, "sklearn-hgb-<task>", each
# holding the same 60 random configurations of HistGradientBoostingClassifier (space.yaml) scored
# by train.py (mean 3-fold CV accuracy). `--sampler random --seed 0` makes trial k's configuration
# the same in every study; each study records its task's name (`--task`) and what it measured
# (`--metric cv-accuracy`); no meta-features are recorded. --trials is the study's total, so a
# rerun resumes where the last one stopped (failed trials count and are not retried).
#   usage: bench/sklearn_pool/collect.sh [TASKS_DIR] [--concurrency K]
#   TASKS_DIR        folder of task CSVs (default ../shared/data/tasks, beside the repository)
#   METATUNE=BIN     the metatune binary (default .build/release/metatune)
#   POOL_STORAGE=F   the SQLite file (default bench/scratch/sklearn-pool.sqlite)
#   POOL_TRIALS=N    trials per study (default 60)
#   SKLEARN_VENV=DIR the venv (made by bench/sklearn-venv.sh)
#   OMP_NUM_THREADS  threads per trial (default 1)
# Paths are relative to the repository root, which the script changes to. Progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/../.."

TASKS=../shared/data/tasks
CONCURRENCY=1
while [ $# -gt 0 ]; do
    case "$1" in
        --concurrency) CONCURRENCY="$2"; shift 2 ;;
        --concurrency=*) CONCURRENCY="${1#*=}"; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        -*) echo "collect.sh: unknown option $1" >&2; exit 2 ;;
        *) TASKS="$1"; shift ;;
    esac
done
METATUNE="${METATUNE:-.build/release/metatune}"
STORAGE="${POOL_STORAGE:-bench/scratch/sklearn-pool.sqlite}"
TRIALS="${POOL_TRIALS:-60}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
[ -x "$METATUNE" ] || { echo "collect.sh: no metatune binary at $METATUNE (set METATUNE)" >&2; exit 1; }
PY="$(bench/sklearn-venv.sh)/bin/python"
mkdir -p "$(dirname "$STORAGE")"

shopt -s nullglob
csvs=("$TASKS"/*.csv)
[ ${#csvs[@]} -gt 0 ] || { echo "collect.sh: no .csv files in $TASKS" >&2; exit 1; }
start=$SECONDS
failed=()
for i in "${!csvs[@]}"; do
    csv="${csvs[$i]}"
    task="$(basename "$csv" .csv)"
    echo "collect.sh: [$((i + 1))/${#csvs[@]}] $task (elapsed $((SECONDS - start)) s)" >&2
    if ! "$METATUNE" run --study "sklearn-hgb-$task" --space bench/sklearn_pool/space.yaml \
            --direction maximize --sampler random --seed 0 --trials "$TRIALS" --task "$task" --metric cv-accuracy \
            --storage "sqlite:$STORAGE" --concurrency "$CONCURRENCY" --quiet -- \
            "$PY" bench/sklearn_pool/train.py --data "$csv" \
            --learning-rate {learning_rate} --max-iter {max_iter} --max-leaf-nodes {max_leaf_nodes} \
            --min-samples-leaf {min_samples_leaf} --l2-regularization {l2_regularization} \
            --max-features {max_features}; then
        echo "collect.sh: metatune run failed for $task" >&2
        failed+=("$task")
    fi
done
echo "collect.sh: done: ${#csvs[@]} tasks in $((SECONDS - start)) s into $STORAGE" >&2
if [ ${#failed[@]} -gt 0 ]; then
    echo "collect.sh: failed: ${failed[*]}" >&2
    exit 1
fi
