#!/usr/bin/env python3
"""Freezes the design and evaluation halves of the task pool (../shared/data/tasks).

Every meta-learning design choice (methods, auto's candidates, bandwidths, defaults) is made
looking at the design half only; the evaluation half is scored once at the end. The split is a
seeded shuffle of the sorted task names, so it is the same on every machine:

    python3 bench/split/make_split.py            # writes bench/split/design.txt and evaluation.txt
"""
import argparse
import pathlib
import random

SEED = 20261202

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default="../shared/data/tasks", help="folder of task CSV files")
    parser.add_argument("--out", default="bench/split", help="where design.txt and evaluation.txt go")
    args = parser.parse_args()
    names = sorted(p.stem for p in pathlib.Path(args.tasks).glob("*.csv"))
    if len(names) < 2:
        raise SystemExit(f"{args.tasks}: fewer than two task CSV files")
    shuffled = random.Random(SEED).sample(names, len(names))
    half = len(shuffled) // 2
    out = pathlib.Path(args.out)
    for name, part in (("design", shuffled[:half]), ("evaluation", shuffled[half:])):
        (out / f"{name}.txt").write_text("".join(f"{task}\n" for task in sorted(part)))
        print(f"{name}: {len(part)} tasks -> {out / (name + '.txt')}")

if __name__ == "__main__":
    main()
