#!/usr/bin/env python3
"""Side-by-side sampler quality: MetaTune's `bench --json` output against the anchors' runs.

    .build/release/metatune bench --problem all --sampler all --trials 100 --seeds 10 --json --quiet > bench/results/samplers-all-problems-100trials-seeds0-9.jsonl
    python3 bench/compare_quality.py bench/results/samplers-all-problems-100trials-seeds0-9.jsonl [--anchors ../shared/bench/anchors/hpo/results]

Prints a Markdown table of the median log10 regret after 100 trials per problem (lower is better),
the anchors' medians computed the same way from their per-seed trajectories, and for MetaTune's
TPE the verdict against Optuna's default TPESampler and against random search.
"""
import argparse, json, math, statistics
from pathlib import Path

FLOOR = 1e-12
ap = argparse.ArgumentParser()
ap.add_argument("metatune_jsonl")
ap.add_argument("--anchors", default=str(Path(__file__).resolve().parent.parent.parent / "shared/bench/anchors/hpo/results"))
ap.add_argument("--at", type=int, default=100)
a = ap.parse_args()

ours = {}  # (sampler, problem) -> median
problems = []
for line in open(a.metatune_jsonl):
    r = json.loads(line)
    if r["problem"] not in problems:
        problems.append(r["problem"])
    regrets = [math.log10(max(0.0, c[a.at - 1] - r["optimum"]) + FLOOR) for c in r["best_so_far"]]
    ours[("metatune_" + r["sampler"], r["problem"])] = (statistics.median(regrets), len(regrets))

anchors = {}
for f in sorted(Path(a.anchors).glob("*__*.json")):
    d = json.load(open(f))
    regrets = []
    for run in d["runs"]:
        vals = run["values"][: a.at]
        if len(vals) < a.at:
            continue
        regrets.append(math.log10(max(0.0, min(vals) - d["f_star"]) + FLOOR))
    if regrets:
        anchors[(d["method"], d["problem"])] = (statistics.median(regrets), len(regrets))

table = {**anchors, **ours}
methods = sorted({m for m, _ in table}, key=lambda m: (not m.startswith("metatune"), m))
print(f"| method (median log10 regret @{a.at}) | " + " | ".join(problems) + " | mean rank |")
print("|---|" + "---:|" * (len(problems) + 1))
ranks = {m: [] for m in methods}
for p in problems:
    present = sorted((table[(m, p)][0], m) for m in methods if (m, p) in table)
    for m in methods:
        if (m, p) in table:
            v = table[(m, p)][0]
            ranks[m].append(sum(1 for w, _ in present if w < v) + 0.5 * (sum(1 for w, _ in present if w == v) - 1) + 1)
for m in methods:
    cells = [f"{table[(m, p)][0]:.2f}" if (m, p) in table else "" for p in problems]
    seeds = sorted({table[(m, p)][1] for p in problems if (m, p) in table})
    mean_rank = statistics.mean(ranks[m]) if ranks[m] else float("nan")
    print(f"| {m} ({'/'.join(map(str, seeds))} seeds) | " + " | ".join(cells) + f" | {mean_rank:.2f} |")

if ("metatune_tpe", problems[0]) in ours:
    vs_optuna = [p for p in problems if (("optuna_tpe", p) in anchors) and ours[("metatune_tpe", p)][0] <= anchors[("optuna_tpe", p)][0]]
    vs_random = [p for p in problems if (("metatune_random", p) in ours) and ours[("metatune_tpe", p)][0] < ours[("metatune_random", p)][0]]
    vs_optuna_random = [p for p in problems if (("optuna_random", p) in anchors) and ours[("metatune_tpe", p)][0] < anchors[("optuna_random", p)][0]]
    print()
    print(f"metatune_tpe no worse than optuna_tpe on {len(vs_optuna)}/{len(problems)}: {', '.join(vs_optuna)}")
    print(f"metatune_tpe better than metatune_random on {len(vs_random)}/{len(problems)}; than optuna_random on {len(vs_optuna_random)}/{len(problems)}")

def mean_ranks(group):
    """Mean rank of each method when only `group` is ranked (ties share the average rank)."""
    result = {m: [] for m in group}
    for p in problems:
        present = [table[(m, p)][0] for m in group if (m, p) in table]
        for m in group:
            if (m, p) in table:
                v = table[(m, p)][0]
                result[m].append(sum(1 for w in present if w < v) + 0.5 * (sum(1 for w in present if w == v) - 1) + 1)
    return {m: statistics.mean(r) for m, r in result.items() if r}

anchor_methods = sorted({m for m, _ in anchors})
ours_methods = sorted({m for m, _ in ours})
if anchor_methods and ours_methods:
    print()
    print("each MetaTune sampler ranked alone against the anchors (mean rank over problems; lower is better):")
    for m in ours_methods:
        r = mean_ranks(anchor_methods + [m])
        best_anchor = min(anchor_methods, key=lambda a: r.get(a, float("inf")))
        verdict = "best of all" if r[m] < r[best_anchor] else ("tied best" if r[m] == r[best_anchor] else "not best")
        print(f"  {m}: {r[m]:.2f}  (best anchor {best_anchor}: {r[best_anchor]:.2f}) -> {verdict}")

if ("metatune_gp", problems[0]) in ours:
    vs_gp = [p for p in problems if ("optuna_gp", p) in anchors and ours[("metatune_gp", p)][0] <= anchors[("optuna_gp", p)][0]]
    print()
    print(f"metatune_gp no worse than optuna_gp on {len(vs_gp)}/{len(problems)}: {', '.join(vs_gp)}")
