#!/usr/bin/env python3
"""Does knowledge scored the way the new run scores rank its configurations better? Leave-one-task-out
on the 27-epoch knowledge base MetaTune ships (Sources/MetaLearning/Resources/knowledge-mlp.json, 40 tasks × the same 100
configurations, learning curves of 27 epochs): each task in turn is the target, its truth the
configurations' validation accuracy at a given number of epochs (the last epoch's, or the best of
them); the other 39 tasks rank the configurations by their mean normalised score, scored either as
the knowledge base MetaTune shipped before was (8 epochs, best epoch: its scores are exactly the
first 8 epochs of these curves, bench/results/knowledge-mlp-8epochs-best-accuracy.json) or the way the target is (matched, what `tune --meta` rescoring does).

Normalised regret of the best of the ranking's first k configurations on the target:
(target best − that) / (target best − target median); mean and median over the 40 targets.

  python3 bench/knowledge_fidelity.py
"""
import json
import os
import statistics

KNOWLEDGE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Sources", "MetaLearning", "Resources",
                         "knowledge-mlp.json")
# The 8-epoch knowledge base MetaTune shipped before.
SHIPPED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "knowledge-mlp-8epochs-best-accuracy.json")


def scores(task, epochs, how):
    """Configuration index → score after `epochs` epochs: the last value or the best of the curve so far."""
    out = {}
    for row in task["trials"]:
        curve = row[2:2 + epochs]
        if len(curve) == epochs:
            out[int(row[0])] = curve[-1] if how == "last" else max(curve)
    return out


def normalised(by_config):
    values = sorted(by_config.values())
    median, best = values[len(values) // 2], values[-1]
    return {i: (v - median) / (best - median) if best > median else 0.0 for i, v in by_config.items()}


def regret(truth, ranking, k):
    values = sorted(truth.values())
    best, median = values[-1], values[len(values) // 2]
    top = max(truth[i] for i in ranking[:k] if i in truth)
    return (best - top) / (best - median) if best > median else 0.0


def evaluate(tasks, target_scoring, knowledge_scoring):
    regrets = {1: [], 5: []}
    for index, target in enumerate(tasks):
        truth = scores(target, *target_scoring)
        pooled = {}
        for other_index, other in enumerate(tasks):
            if other_index != index:
                for config, value in normalised(scores(other, *knowledge_scoring)).items():
                    pooled.setdefault(config, []).append(value)
        ranking = sorted(pooled, key=lambda config: -statistics.mean(pooled[config]))
        for k in regrets:
            regrets[k].append(regret(truth, ranking, k))
    return regrets


def check_shipped(tasks):
    """How many trials of the shipped knowledge base are exactly the first 8 epochs of these curves."""
    shipped = json.load(open(SHIPPED))["tasks"]
    by_task = {task["name"]: {int(row[0]): row for row in task["trials"]} for task in tasks}
    same = total = 0
    for task in shipped:
        for row in task["trials"]:
            total += 1
            longer = by_task[task["name"]].get(int(row[0]))
            if longer and len(longer) >= 10 and max(longer[2:10]) == row[1] and longer[2:10] == row[2:10]:
                same += 1
    print(f"former shipped knowledge: {same} of {total} trials are the first 8 epochs of the 27-epoch curves, scored by their best\n")


def main():
    tasks = json.load(open(KNOWLEDGE))["tasks"]
    check_shipped(tasks)
    print("| target scored at | knowledge scored at | regret@1 mean | regret@1 median | regret@5 mean | regret@5 median |")
    print("| --- | --- | --- | --- | --- | --- |")
    for target in [(27, "last"), (9, "last"), (3, "last"), (5, "best")]:
        for knowledge in [(8, "best"), target]:
            label = "matched" if knowledge == target else "8 epochs, best (shipped before)"
            regrets = evaluate(tasks, target, knowledge)
            print(f"| {target[0]} epochs, {target[1]} | {label} | " + " | ".join(
                f"{statistics.mean(regrets[k]):.3f} | {statistics.median(regrets[k]):.3f}" for k in (1, 5)) + " |")


if __name__ == "__main__":
    main()
