#!/usr/bin/env python3
"""Replays Hyperband and ASHA rung decisions (the papers' formulas) on pools of full-budget learning
curves, to ask how often a scheduler with a third of the epochs reaches the best of 30 random
full-budget configurations — and which reduction factor η and first rung r_min do that best —
without training anything for each replay. Configurations are random (drawn from the pool), so
this measures the rung decisions alone; the samplers' models are left out.

  python3 bench/simulate_schedulers.py pools --out DIR          # 100 random 27-epoch runs per task and seed
  python3 bench/simulate_schedulers.py simulate DIR             # P(best >= random-30) per plan and task

`pools` needs the release binary (swift build -c release) and writes DIR/TASK-SEED.sqlite for the
tasks of compare_schedulers.py and seeds 0-4 (each a `metatune tune --sampler random --trials 100`
study; the first 30 trials are the same configurations as compare_schedulers' random-30).
`simulate` draws, `--replays` times per pool, a random order of its configurations; random-30
takes the first 30, each plan takes configurations in the same order under a 270-epoch budget
(a bracket runs only if all of it fits; ASHA hands out a job only if it fits), and scores the
best final accuracy of the configurations it trained to 27 epochs.
"""
import argparse
import glob
import math
import os
import random
import sqlite3
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from compare_schedulers import EPOCHS, ROOT, TASKS

BUDGET = 270


def curves(path):
    """The pool's 27-epoch validation-accuracy curves, by trial."""
    with sqlite3.connect(path) as connection:
        points = connection.execute("select trial_id, step, value from intermediate_values order by trial_id, step")
        by_trial = {}
        for trial, _, value in points:
            by_trial.setdefault(trial, []).append(value)
    return [curve for _, curve in sorted(by_trial.items()) if len(curve) == EPOCHS]


def brackets(eta, r_min):
    """Hyperband's brackets for R = EPOCHS, most aggressive first: lists of (trials, resource)."""
    s_max = int(math.floor(math.log(EPOCHS / r_min, eta) + 1e-9))
    plan = []
    for s in range(s_max, -1, -1):
        n = math.ceil((s_max + 1) / (s + 1) * eta ** s)
        r = EPOCHS * eta ** (-s)
        plan.append([(int(n * eta ** (-i)), min(EPOCHS, max(1, round(r * eta ** i)))) for i in range(s + 1)])
    return plan


def bracket_cost(bracket):
    used = cost = 0
    for trials, resource in bracket:
        cost += trials * (resource - used)
        used = resource
    return cost


def hyperband(pool, order, eta, r_min):
    plan = brackets(eta, r_min)
    position = spent = round_index = 0
    best = -1.0
    while True:
        bracket = plan[round_index % len(plan)]
        if spent + bracket_cost(bracket) > BUDGET or position + bracket[0][0] > len(order):
            return best
        alive = order[position:position + bracket[0][0]]
        position += bracket[0][0]
        used = 0
        for index, (trials, resource) in enumerate(bracket):
            if index:
                alive = sorted(alive, key=lambda c: pool[c][used - 1], reverse=True)[:trials]
            used = resource
        best = max(best, max(pool[c][EPOCHS - 1] for c in alive))
        spent += bracket_cost(bracket)
        round_index += 1


def asha(pool, order, eta, r_min):
    rungs = []
    resource = r_min
    while resource < EPOCHS:
        rungs.append(int(round(resource)))
        resource *= eta
    rungs.append(EPOCHS)
    results = [dict() for _ in rungs]
    promoted = [set() for _ in rungs]
    started = spent = 0
    best = -1.0
    while True:
        job = None
        for k in range(len(rungs) - 2, -1, -1):
            top = sorted(results[k], key=lambda c: results[k][c], reverse=True)[:len(results[k]) // eta]
            candidates = [c for c in top if c not in promoted[k]]
            if candidates and spent + rungs[k + 1] - rungs[k] <= BUDGET:
                promoted[k].add(candidates[0])
                job = (candidates[0], k + 1)
                break
        if job is None:
            if spent + rungs[0] > BUDGET or started >= len(order):
                return best
            job = (order[started], 0)
            started += 1
        configuration, k = job
        spent += rungs[k] - (rungs[k - 1] if k else 0)
        results[k][configuration] = pool[configuration][rungs[k] - 1]
        if k == len(rungs) - 1:
            best = max(best, pool[configuration][EPOCHS - 1])


PLANS = {f"{name} eta={eta} r_min={r_min}": (function, eta, r_min)
         for eta in (2, 3, 4) for r_min in (1, 3) for name, function in (("hyperband", hyperband), ("asha", asha))}


def make_pools(args):
    binary = os.path.join(ROOT, ".build", "release", "metatune")
    if not os.access(binary, os.X_OK):
        sys.exit(f"build the release binary first: swift build -c release ({binary})")
    os.makedirs(args.out, exist_ok=True)

    def one(task, seed):
        path = os.path.join(args.out, f"{task}-{seed}.sqlite")
        if os.path.exists(path):
            return
        partial = path + ".partial"
        subprocess.run([binary, "tune", *TASKS[task], "--model", "mlp", "--epochs", str(EPOCHS), "--metric", "accuracy",
                        "--seed", str(seed), "--sampler", "random", "--pruner", "none", "--trials", "100",
                        "--storage", f"sqlite:{partial}", "--quiet"], check=True, stdout=subprocess.DEVNULL)
        os.rename(partial, path)
        print(f"pool {task} seed {seed} done", file=sys.stderr)

    with ThreadPoolExecutor(max_workers=args.parallel) as workers:
        for future in [workers.submit(one, task, seed) for seed in range(args.seeds) for task in TASKS]:
            future.result()


def simulate(args):
    shares = {}
    for path in sorted(glob.glob(os.path.join(args.pools, "*.sqlite"))):
        pool = curves(path)
        if len(pool) < 100:
            print(f"skipping {path}: {len(pool)} whole curves", file=sys.stderr)
            continue
        task = os.path.basename(path)[:-len(".sqlite")].rsplit("-", 1)[0]
        generator = random.Random(1)
        reached = {plan: 0 for plan in PLANS}
        for _ in range(args.replays):
            order = list(range(len(pool)))
            generator.shuffle(order)
            anchor = max(pool[c][EPOCHS - 1] for c in order[:30])
            for plan, (function, eta, r_min) in PLANS.items():
                reached[plan] += function(pool, order, eta, r_min) >= anchor
        for plan in PLANS:
            shares.setdefault(plan, {}).setdefault(task, []).append(reached[plan] / args.replays)
    tasks = list(dict.fromkeys(task for by_task in shares.values() for task in by_task))
    seeds = {task: len(shares[next(iter(PLANS))][task]) for task in tasks}
    print(f"P(best >= random-30's best) with {BUDGET} epochs, mean over pools (seeds per task: {seeds}):\n")
    print("| plan | " + " | ".join(tasks) + " | mean |")
    print("| --- |" + " --- |" * (len(tasks) + 1))
    for plan, by_task in shares.items():
        means = [statistics.mean(by_task[task]) for task in tasks]
        print(f"| {plan} | " + " | ".join(f"{m:.2f}" for m in means) + f" | {statistics.mean(means):.2f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    pools = commands.add_parser("pools", help="train the pools of full-budget random configurations")
    pools.add_argument("--out", required=True)
    pools.add_argument("--seeds", type=int, default=5)
    pools.add_argument("--parallel", type=int, default=2)
    replay = commands.add_parser("simulate", help="replay the plans on the pools")
    replay.add_argument("pools")
    replay.add_argument("--replays", type=int, default=200)
    args = parser.parse_args()
    make_pools(args) if args.command == "pools" else simulate(args)


if __name__ == "__main__":
    main()
