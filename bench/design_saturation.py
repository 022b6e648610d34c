#!/usr/bin/env python3
"""Does the design half tell transfer designs apart? Leave-one-task-out within a half of the task
pool, for a few simple, deterministic warm-start orders computed straight from the shipped
knowledge base's learning curves (scored by the best epoch of the first E epochs):

  equal      - configurations by their mean normal score (of rank) over the other tasks
  greedy     - the greedy portfolio (each step lowers the mean normalised regret the most)
  knn        - the best configurations of the 5 nearest tasks by standardised meta-features
  kernelH    - mean normal score, tasks weighted exp(-(d/H)^2) by meta-feature distance d
  a+b        - two orders interleaved (a's first, b's first, a's second, ...)

and random orders (200 per task). Reports the median over tasks of the normalised regret after
1, 3 and 5 picks ((best - found) / (best - median), clipped to [0, 1]) and of the number of picks
to come within 0.5 points of the task's best (31: not within 30). It mirrors `meta bench`'s
portfolio and knn (same figures at trial 5) without the GP that continues after the warm start.

    python3 bench/design_saturation.py [--tasks bench/split/design.txt] [--epochs 20]
"""
import argparse
import json
import math
import random
import statistics
from statistics import NormalDist

parser = argparse.ArgumentParser()
parser.add_argument("--knowledge", default="Sources/MetaLearning/Resources/knowledge-mlp.json")
parser.add_argument("--tasks", default="bench/split/design.txt")
parser.add_argument("--epochs", type=int, default=20)
args = parser.parse_args()

names = set(open(args.tasks).read().split())
tasks = [t for t in json.load(open(args.knowledge))["tasks"] if t["name"] in names]
# scores[t][c]: best accuracy of the first E epochs (row = [pool index, stored score, curve...])
by_index = [{row[0]: max(row[2:2 + args.epochs]) for row in t["trials"]} for t in tasks]
pool = sorted(set.intersection(*[set(s) for s in by_index]))
scores = [[s[c] for c in pool] for s in by_index]
normal = NormalDist()


def normal_scores(row):
    order = sorted(range(len(row)), key=lambda i: row[i])
    result = [0.0] * len(row)
    for k, i in enumerate(order):
        result[i] = normal.inv_cdf((k + 0.5) / len(row))
    return result


normalised = [normal_scores(row) for row in scores]
features = [[t["metaFeatures"][k] for k in sorted(t["metaFeatures"])] if isinstance(t["metaFeatures"], dict)
            else t["metaFeatures"] for t in tasks]


def distances(others, target):
    dims = range(len(features[0]))
    mean = [statistics.fmean(features[o][j] for o in others) for j in dims]
    sd = [statistics.pstdev([features[o][j] for o in others]) for j in dims]
    z = lambda v: [max(-3, min(3, (v[j] - mean[j]) / sd[j])) if sd[j] > 1e-12 else 0 for j in dims]
    zt = z(features[target])
    return {o: math.dist(z(features[o]), zt) for o in others}


def weighted(weights, others):
    value = [sum(weights[o] * normalised[o][c] for o in others) for c in range(len(pool))]
    return sorted(range(len(pool)), key=lambda c: -value[c])


def greedy(others, size=30):
    regret = {}
    for o in others:
        row = scores[o]
        top, median = max(row), sorted(row)[len(row) // 2]
        regret[o] = [(top - x) / max(top - median, 1e-12) for x in row]
    current, chosen = {o: 1.0 for o in others}, []
    while len(chosen) < size:
        pick = min((c for c in range(len(pool)) if c not in chosen),
                   key=lambda c: sum(min(current[o], regret[o][c]) for o in others))
        chosen.append(pick)
        for o in others:
            current[o] = min(current[o], regret[o][pick])
    return chosen


def knn(others, target, k=5, size=30):
    d = distances(others, target)
    lists = [sorted(range(len(pool)), key=lambda c: -scores[o][c]) for o in sorted(others, key=lambda o: d[o])[:k]]
    chosen, rank = [], 0
    while len(chosen) < size:
        for ranked in lists:
            if ranked[rank] not in chosen and len(chosen) < size:
                chosen.append(ranked[rank])
        rank += 1
    return chosen


def interleave(*orders, size=30):
    chosen = []
    while len(chosen) < size:
        for order in orders:
            chosen.append(next(c for c in order if c not in chosen))
    return chosen[:size]


def outcome(row, order):
    top, median = max(row), sorted(row)[len(row) // 2]
    regret = lambda k: min(max((top - max(row[i] for i in order[:k])) / max(top - median, 1e-12), 0), 1)
    hit = next((k + 1 for k, i in enumerate(order) if row[i] >= top - 0.005), 31)
    return regret(1), regret(3), regret(5), hit


results = {}
for t in range(len(tasks)):
    others = [o for o in range(len(tasks)) if o != t]
    d = distances(others, t)
    orders = {"equal": weighted({o: 1 for o in others}, others), "greedy": greedy(others), "knn": knn(others, t)}
    for h in (2, 4):
        orders[f"kernel{h}"] = weighted({o: math.exp(-(d[o] / h) ** 2) for o in others}, others)
    orders["greedy+knn"] = interleave(orders["greedy"], orders["knn"])
    orders["knn+greedy"] = interleave(orders["knn"], orders["greedy"])
    orders["greedy+knn+equal"] = interleave(orders["greedy"], orders["knn"], orders["equal"])
    for name, order in orders.items():
        results.setdefault(name, []).append(outcome(scores[t], order))
    for seed in range(200):
        results.setdefault("random", []).append(outcome(scores[t], random.Random(seed).sample(range(len(pool)), 30)))

print(f"{len(tasks)} tasks, {len(pool)} shared configurations, best of the first {args.epochs} epochs")
print("| order | regret @1 | regret @3 | regret @5 | picks to target |")
print("|---|---:|---:|---:|---:|")
for name, rows in results.items():
    medians = [statistics.median(r[i] for r in rows) for i in range(4)]
    print(f"| {name} | {medians[0]:.3f} | {medians[1]:.3f} | {medians[2]:.3f} | {medians[3]:g} |")
