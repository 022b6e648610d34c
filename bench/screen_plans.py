#!/usr/bin/env python3
"""An upper bound for rung plans: replays "screen n configurations at r1 epochs, keep m for r2
epochs, finish k at 27" plans (every split of the 270-epoch budget) on the pools of
bench/simulate_schedulers.py, and prints the plans with the highest chance of reaching the best of
30 random full-budget configurations drawn in the same order. The plan is chosen after seeing the
results, so its chance overstates what any fixed plan would reach.

  python3 bench/simulate_schedulers.py pools --out bench/scratch/pools     # once
  python3 bench/screen_plans.py bench/scratch/pools
"""
import glob
import os
import random
import statistics
import sys

from simulate_schedulers import BUDGET, EPOCHS, asha, curves, hyperband


def screen(pool, order, r1, n, r2, m, k):
    """Train the first n configurations r1 epochs, the best m of them to r2, the best k of those to the end."""
    kept = sorted(order[:n], key=lambda c: pool[c][r1 - 1], reverse=True)[:m]
    if r2 is not None:
        kept = sorted(kept, key=lambda c: pool[c][r2 - 1], reverse=True)
    return max(pool[c][EPOCHS - 1] for c in kept[:k])


def plans():
    found = {"random-10": lambda p, o: max(p[c][EPOCHS - 1] for c in o[:10]),
             "hyperband η=3 r_min=1": lambda p, o: hyperband(p, o, 3, 1),
             "asha η=3 r_min=3": lambda p, o: asha(p, o, 3, 3)}
    for r1 in (1, 2, 3, 5, 9):
        for k in range(2, 10):
            n = (BUDGET - k * (EPOCHS - r1)) // r1
            if k <= n <= 100:
                found[f"screen {n}×{r1}, finish {k}"] = (lambda r1, n, k: lambda p, o: screen(p, o, r1, n, None, k, k))(r1, n, k)
        for r2 in (3, 5, 9):
            for m in (6, 8, 10, 12, 15, 20):
                for k in (2, 3, 4, 5, 6):
                    if r2 <= r1 or k >= m:
                        continue
                    n = (BUDGET - m * (r2 - r1) - k * (EPOCHS - r2)) // r1
                    if m <= n <= 100:
                        found[f"screen {n}×{r1}, {m}×{r2}, finish {k}"] = (
                            lambda r1, n, r2, m, k: lambda p, o: screen(p, o, r1, n, r2, m, k))(r1, n, r2, m, k)
    return found


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    candidates = plans()
    shares = {}
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.sqlite"))):
        pool = curves(path)
        if len(pool) < 100:
            continue
        task = os.path.basename(path)[:-len(".sqlite")].rsplit("-", 1)[0]
        generator = random.Random(1)
        reached = dict.fromkeys(candidates, 0)
        for _ in range(200):
            order = list(range(len(pool)))
            generator.shuffle(order)
            anchor = max(pool[c][EPOCHS - 1] for c in order[:30])
            for name, plan in candidates.items():
                reached[name] += plan(pool, order) >= anchor
        for name in candidates:
            shares.setdefault(name, {}).setdefault(task, []).append(reached[name] / 200)
    tasks = sorted(next(iter(shares.values())))
    rows = sorted(((statistics.mean(statistics.mean(by[t]) for t in tasks), name, by) for name, by in shares.items()), reverse=True)
    shown = rows[:5] + [row for row in rows if row[1] in ("random-10", "hyperband η=3 r_min=1", "asha η=3 r_min=3")]
    print("| plan | " + " | ".join(tasks) + " | mean |")
    print("| --- |" + " --- |" * (len(tasks) + 1))
    for mean, name, by in shown:
        print(f"| {name} | " + " | ".join(f"{statistics.mean(by[t]):.2f}" for t in tasks) + f" | {mean:.2f} |")


if __name__ == "__main__":
    main()
