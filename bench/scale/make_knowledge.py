#!/usr/bin/env python3
"""Writes a synthetic knowledge base of many past studies for the load-and-first-suggestion benchmark.

Each of --studies tasks holds --trials configurations of bench/scale/space.yaml (its own random
draws, so no pool is shared: the hardest case for ranking past configurations) scored by a smooth
function whose optimum moves a little from task to task; no meta-features (as a user's own
`metatune run` studies have none). Output: MetaTune's knowledge-base JSON (format
metatune-knowledge-1, the form `meta export` writes):

    python3 bench/scale/make_knowledge.py --studies 1000 --trials 100 --out bench/scratch/scale-1000x100.json
"""
import argparse
import json
import math
import random


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=1000)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tasks = []
    for t in range(args.studies):
        shift = rng.gauss(0, 0.3)
        rows, extra = [], []
        for _ in range(args.trials):
            lr = 10 ** rng.uniform(-5, 0)
            l2 = rng.uniform(0, 1)
            layers = rng.randint(1, 4)
            optimizer = rng.choice(["adam", "sgd"])
            score = (1 - (math.log10(lr) + 2.5 - shift) ** 2 / 10 - (l2 - 0.3) ** 2
                     - 0.02 * abs(layers - 2) - (0.05 if optimizer == "sgd" else 0) + rng.gauss(0, 0.01))
            rows.append([-1, round(score, 5)])
            extra.append({"lr": lr, "l2": l2, "layers": layers, "optimizer": optimizer})
        tasks.append({"name": f"study-{t:04d}", "trials": rows, "extra": extra})
    with open(args.out, "w") as f:
        json.dump({"format": "metatune-knowledge-1", "pool": [], "tasks": tasks}, f)
    print(f"wrote {args.studies} studies x {args.trials} trials to {args.out}")


if __name__ == "__main__":
    main()
