#!/usr/bin/env python3
"""Softmax (multinomial logistic) regression trained by hand on the 8x8 digits, standard library only.

A small, real objective for `metatune run`: it reads its hyperparameters from the command line,
prints the validation error after every epoch as {"step": epoch, "value": error} (the learning curve
MetaTune prunes on) and finally {"value": error}.

    python3 train.py --lr 0.1 --l2 1e-4 --batch-size 32 --epochs 10

With --save PATH it writes its weights and epoch count at the end, and --load PATH (ignored when
empty) resumes from such a file: what `metatune run --scheduler` passes as {checkpoint} and
{restore}, so that promoted trials go on where they paused and PBT can copy a better trial.
"""
import argparse
import csv
import json
import math
import os
import random

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, required=True, help="learning rate")
parser.add_argument("--l2", type=float, default=0.0, help="L2 weight decay")
parser.add_argument("--batch-size", type=int, default=32)
parser.add_argument("--epochs", type=int, default=10)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--save", default="", help="write the weights here at the end")
parser.add_argument("--load", default="", help="resume from weights written by --save")
parser.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "digits.csv"))
args = parser.parse_args()

with open(args.data) as f:
    rows = list(csv.DictReader(f))
features = [k for k in rows[0] if k != "label"]
X = [[float(r[k]) / 16.0 for k in features] for r in rows]
y = [int(r["label"]) for r in rows]
n_train = 1437                      # the fixed split of the shared benchmark: first 1437 rows train
Xtr, ytr, Xva, yva = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
d, k = len(features), 10
W = [[0.0] * d for _ in range(k)]
b = [0.0] * k
first_epoch = 0
if args.load:
    with open(args.load) as f:
        state = json.load(f)
    W, b, first_epoch = state["W"], state["b"], state["epochs"]


def scores(x):
    z = [b[c] + sum(w * v for w, v in zip(W[c], x)) for c in range(k)]
    m = max(z)
    e = [math.exp(v - m) for v in z]
    s = sum(e)
    return [v / s for v in e]


def error_rate(Xs, ys):
    wrong = sum(1 for x, t in zip(Xs, ys) if max(range(k), key=lambda c: scores(x)[c]) != t)
    return wrong / len(ys)


order = list(range(n_train))
err = error_rate(Xva, yva) if first_epoch >= args.epochs else None
for epoch in range(first_epoch, args.epochs):
    random.Random(args.seed * 100003 + epoch).shuffle(order)  # each epoch's order, also when resumed
    for start in range(0, n_train, args.batch_size):
        batch = order[start:start + args.batch_size]
        gW = [[0.0] * d for _ in range(k)]
        gb = [0.0] * k
        for i in batch:
            p = scores(Xtr[i])
            p[ytr[i]] -= 1.0
            for c in range(k):
                if p[c] != 0.0:
                    gb[c] += p[c]
                    row = gW[c]
                    for j, v in enumerate(Xtr[i]):
                        if v:
                            row[j] += p[c] * v
        scale = args.lr / len(batch)
        for c in range(k):
            b[c] -= scale * gb[c]
            Wc, gWc = W[c], gW[c]
            for j in range(d):
                Wc[j] -= scale * gWc[j] + args.lr * args.l2 * Wc[j]
    err = error_rate(Xva, yva)
    if math.isnan(err) or any(math.isnan(v) for v in b):
        raise SystemExit("training diverged")
    print(json.dumps({"step": epoch, "value": err}), flush=True)

if args.save:
    with open(args.save, "w") as f:
        json.dump({"W": W, "b": b, "epochs": max(first_epoch, args.epochs)}, f)
print(json.dumps({"value": err}))
