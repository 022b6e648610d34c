#!/usr/bin/env python3
"""How noisy is a last-epoch score, and how much of that noise does best-epoch scoring remove?

Test-retest on the learning curves of the shipped knowledge base (40 tasks x 100 configurations,
27 epochs each): the same run is read twice, in two disjoint windows of epochs, A = epochs
a..b and B = epochs b+1..27, by each scoring:
  last  - the accuracy at the window's last epoch (what `--metric accuracy` reads),
  best  - the best accuracy within the window (what `--metric best-accuracy` reads).
A configuration's quality hardly changes between the windows, so the closer the two readings
rank the configurations alike (Spearman over each task's configurations, median over tasks), and
the smaller their typical difference, the less noise the scoring carries.

    python3 bench/scoring_noise.py [Sources/MetaLearning/Resources/knowledge-mlp.json]
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


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "Sources/MetaLearning/Resources/knowledge-mlp.json"
    tasks = json.load(open(path))["tasks"]
    print("| windows A / B | scoring | median Spearman(A, B) over tasks | median abs(A - B) |")
    print("|---|---|---:|---:|")
    for first, split in ((14, 20), (8, 14), (4, 8)):
        for scoring in ("last", "best"):
            correlations, gaps = [], []
            for task in tasks:
                curves = [row[2:] for row in task["trials"] if len(row) >= 2 + 27]
                if len(curves) < 10:
                    continue
                if scoring == "last":
                    a = [c[split - 1] for c in curves]
                    b = [c[min(2 * split - first, 27) - 1] for c in curves]
                else:
                    a = [max(c[first - 1:split]) for c in curves]
                    b = [max(c[split:min(2 * split - first, 27)]) for c in curves]
                correlations.append(spearman(a, b))
                gaps.extend(abs(x - y) for x, y in zip(a, b))
            end = min(2 * split - first, 27)
            print(f"| {first}-{split} / {split + 1}-{end} | {scoring} | {statistics.median(correlations):.3f} | {statistics.median(gaps):.4f} |")


if __name__ == "__main__":
    main()
