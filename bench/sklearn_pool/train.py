#!/usr/bin/env python3
"""Scores one HistGradientBoostingClassifier configuration on one tabular task, for `metatune run`.

The task is a CSV as in shared/data/tasks: a header row, numeric feature columns and a last column
`label` holding class ids 0..K-1. The score is the mean validation accuracy over stratified 3-fold
cross-validation (shuffled with a fixed seed), which is steadier than one split. Early stopping is
off and the model's random_state is fixed, so a configuration always gets the same score on the
same data. The last line on stdout is `{"value": accuracy}`, what `metatune run` reads.

    python train.py --data task.csv --learning-rate 0.1 --max-iter 64 --max-leaf-nodes 31 \
        --min-samples-leaf 20 --l2-regularization 1e-3 --max-features 0.8

Any error ends the script with a one-line message on stderr and exit status 1, so that only this
trial fails. The model's OpenMP threads follow OMP_NUM_THREADS (collect.sh sets 1).
"""
import argparse
import csv
import json
import sys


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True, help="task CSV; last column 'label'")
    p.add_argument("--learning-rate", type=float, required=True)
    p.add_argument("--max-iter", type=int, required=True, help="boosting iterations")
    p.add_argument("--max-leaf-nodes", type=int, required=True)
    p.add_argument("--min-samples-leaf", type=int, required=True)
    p.add_argument("--l2-regularization", type=float, required=True)
    p.add_argument("--max-features", type=float, required=True, help="share of features per split, (0, 1]")
    p.add_argument("--folds", type=int, default=3)
    p.add_argument("--seed", type=int, default=0, help="seed of the folds and the model")
    return p.parse_args()


def load(path):
    """Features and labels of a task CSV whose last column is 'label'."""
    import numpy as np
    with open(path, newline="") as f:
        header = next(csv.reader(f))
    if header[-1] != "label":
        raise ValueError(f"{path}: last column is '{header[-1]}', expected 'label'")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    X, y = data[:, :-1], data[:, -1]
    if not np.all(y == np.round(y)) or y.min() < 0:
        raise ValueError(f"{path}: labels must be class ids 0..K-1")
    return X, y.astype(int)


def main():
    args = parse_args()
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    X, y = load(args.data)
    model = HistGradientBoostingClassifier(
        learning_rate=args.learning_rate, max_iter=args.max_iter, max_leaf_nodes=args.max_leaf_nodes,
        min_samples_leaf=args.min_samples_leaf, l2_regularization=args.l2_regularization,
        max_features=args.max_features, early_stopping=False, random_state=args.seed)
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    scores = cross_val_score(model, X, y, cv=folds, scoring="accuracy", error_score="raise")
    print(json.dumps({"value": float(scores.mean())}))


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # noqa: BLE001 - any failure fails just this trial
        print(f"train.py: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
