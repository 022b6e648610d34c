#!/usr/bin/env python3
"""Checks a pool collected by collect.sh and prints its score spread, standard library only.

    python3 bench/sklearn_pool/check.py [bench/scratch/sklearn-pool.sqlite] [--trials 60]

Verifies that every study "sklearn-hgb-*" holds the expected number of complete trials (failed
ones are listed with their reasons) and that trial k has the same parameters in every study; then
prints per task the best, median and best - median of the scores. A task whose best is within
0.005 of its median is flagged: its pool cannot tell configurations apart. Exits 1 on a problem.
"""
import argparse
import json
import sqlite3
import statistics
import sys

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("storage", nargs="?", default="bench/scratch/sklearn-pool.sqlite")
parser.add_argument("--trials", type=int, default=60)
parser.add_argument("--flat", type=float, default=0.005, help="flag best - median below this")
args = parser.parse_args()

db = sqlite3.connect(f"file:{args.storage}?mode=ro", uri=True)
studies = db.execute("SELECT id, name FROM studies WHERE name LIKE 'sklearn-hgb-%' ORDER BY name").fetchall()
problems = []
params_by_number = {}   # trial number -> (canonical params, first study having them)
rows = []
for study_id, name in studies:
    trials = db.execute("SELECT number, state, value, params, fail_reason FROM trials WHERE study_id = ? ORDER BY number",
                        (study_id,)).fetchall()
    values = [v for _, state, v, _, _ in trials if state == "complete"]
    if len(values) != args.trials or len(trials) != args.trials:
        problems.append(f"{name}: {len(values)} complete of {len(trials)} trials, expected {args.trials}")
    for number, state, _, params, reason in trials:
        if state != "complete":
            problems.append(f"{name}: trial {number} {state}: {(reason or '').strip()[-300:]}")
        canonical = json.dumps(json.loads(params), sort_keys=True)
        first = params_by_number.setdefault(number, (canonical, name))
        if first[0] != canonical:
            problems.append(f"{name}: trial {number} params differ from {first[1]}'s")
    if values:
        best, median = max(values), statistics.median(values)
        rows.append((name.removeprefix("sklearn-hgb-"), len(values), best, median, best - median))

print(f"{len(studies)} studies in {args.storage}")
print(f"{'task':28s} {'n':>3s} {'best':>7s} {'median':>7s} {'best-med':>8s}")
for task, n, best, median, gap in sorted(rows, key=lambda r: r[4]):
    flag = "  FLAT" if gap < args.flat else ""
    print(f"{task:28s} {n:3d} {best:7.4f} {median:7.4f} {gap:8.4f}{flag}")
flat = [r[0] for r in rows if r[4] < args.flat]
print(f"tasks with best - median < {args.flat}: {len(flat)}" + (f" ({', '.join(flat)})" if flat else ""))
if problems:
    print(f"{len(problems)} problems:", *problems, sep="\n  ")
sys.exit(1 if problems else 0)
