#!/usr/bin/env python3
"""How noisy is each way of scoring a training run, and how much of the noise does it remove?

Test-retest on the learning curves of the shipped knowledge base (40 tasks x 100 configurations,
27 epochs each): the same run is read twice, in two disjoint windows of epochs, A and B, by each
scoring:
  last  - the accuracy at the window's last epoch (what `--metric accuracy` reads),
  best  - the best accuracy within the window (what `--metric best-accuracy` reads),
  ma3   - the best mean of three consecutive epochs within the window (a smoothed best epoch),
  top3  - the mean of the window's three best epochs.
A configuration's quality hardly changes between the windows, so the closer the two readings
rank the configurations alike (Spearman over each task's configurations, median over tasks), and
the smaller their typical difference, the less noise the scoring carries. "Target agreement" is
the Jaccard overlap of the two readings' sets of configurations within 0.5 accuracy points of
that reading's best (the target of `meta bench`'s "trials to target"), median over tasks: how far
the target is a property of the configurations rather than of one reading's noise.

    python3 bench/scoring_noise.py [--tasks bench/split/design.txt] [KNOWLEDGE.json]
"""
import json
import statistics
import sys


def ranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2
        i = j + 1
    return result


def spearman(x, y):
    rx, ry = ranks(x), ranks(y)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    num = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    den = (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5
    return num / den if den > 0 else 0.0


WINDOWS = ((14, 20, 26), (8, 14, 20), (4, 8, 12))  # A = epochs first..split, B = split+1..end
SCORINGS = ("last", "best", "ma3", "top3")
TARGET_GAP = 0.005


def read(window, scoring):
    if scoring == "last":
        return window[-1]
    if scoring == "best":
        return max(window)
    if scoring == "ma3":
        return max(sum(window[i:i + 3]) / 3 for i in range(len(window) - 2))
    return sum(sorted(window)[-3:]) / 3


def target(readings):
    top = max(readings)
    return {i for i, value in enumerate(readings) if value >= top - TARGET_GAP}


def main():
    args = sys.argv[1:]
    names = None
    if args[:1] == ["--tasks"]:
        names = set(open(args[1]).read().split())
        args = args[2:]
    path = args[0] if args else "Sources/MetaLearning/Resources/knowledge-mlp.json"
    tasks = [t for t in json.load(open(path))["tasks"] if names is None or t["name"] in names]
    print(f"{len(tasks)} tasks")
    print("| windows A / B | scoring | median Spearman(A, B) over tasks | median abs(A - B) | target agreement |")
    print("|---|---|---:|---:|---:|")
    for first, split, end in WINDOWS:
        for scoring in SCORINGS:
            correlations, gaps, agreements = [], [], []
            for task in tasks:
                curves = [row[2:] for row in task["trials"] if len(row) >= 2 + end]
                if len(curves) < 10:
                    continue
                a = [read(c[first - 1:split], scoring) for c in curves]
                b = [read(c[split:end], scoring) for c in curves]
                correlations.append(spearman(a, b))
                gaps.extend(abs(x - y) for x, y in zip(a, b))
                ta, tb = target(a), target(b)
                agreements.append(len(ta & tb) / len(ta | tb))
            print(f"| {first}-{split} / {split + 1}-{end} | {scoring} | {statistics.median(correlations):.3f} | "
                  f"{statistics.median(gaps):.4f} | {statistics.median(agreements):.2f} |")


if __name__ == "__main__":
    main()
