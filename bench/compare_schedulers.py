#!/usr/bin/env python3
"""Multi-fidelity and population-based schedulers against full-budget random search (issue 7).

For each task and seed (the seed also fixes the train/validation split, so every method of a
seed sees the same data), runs the release `metatune tune` with:

  random-30   --sampler random --trials 30, every trial trained the full --epochs (the anchor);
  random-10   its first 10 configurations (the same ones), i.e. a third of its epochs without a scheduler;
  hyperband   --scheduler hyperband --budget 270 (a third of random-30's epochs: brackets s = 3, 2, 1
              of R = 27, η = 3);
  bohb        the same with BOHB's model;
  asha        --scheduler asha --budget 270;
  pbt-fixed   --scheduler pbt --trials 8 --pbt-interval 27 (the population, never exploiting);
  pbt         --scheduler pbt --trials 8 --pbt-interval 3 (the same population, exploiting);
  and variants (METHODS below): a first rung of 3, half the budget, random sampling, and `-meta`:
  steered by `--meta auto` with the 8-epoch knowledge base MetaTune shipped before minus the task itself; `-meta27` and
  `meta27-10`: the same with a knowledge base collected at 27 epochs, scored by the last epoch.

Each run writes its own SQLite file; the epochs a run spent are the learning-curve points its
trials stored (one per epoch trained), and its result is the best validation accuracy of a trial
trained to the full budget (complete trials; metric: accuracy after the last epoch). Also
recorded, as `best_any`: the best validation accuracy any trial showed after any epoch — the
best model a run that keeps checkpoints would hold, under the same definition for every method.

  python3 bench/compare_schedulers.py run --out bench/results/schedulers-small-seeds0-4.jsonl
  python3 bench/compare_schedulers.py summarize bench/results/schedulers-small-seeds0-4.jsonl

With --retrain N each run's best configuration is trained again N times on the same split with
fresh training seeds, and the mean validation accuracy is recorded as `retrained`: the issue's
measure without the luck of one training run, which the maximum over 30 runs collects.

With --test-fraction F every run holds out F of the rows (`metatune tune --test-fraction`) and also
records `test`: the held-out accuracy of its best configuration, trained again — a score no method
could select on, so it shows the chosen configurations' quality without the validation maximum's
luck.
"""
import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POOL = os.path.join(ROOT, "..", "shared", "data", "tasks")
TASKS = {"digits": ["--dataset", "digits"]}
TASKS.update({name: ["--data", os.path.join(POOL, name + ".csv")] for name in (
    "cardata_chile", "ecdat_fishing", "modeldata_hpc_data",
    "ggplot2_diamonds", "mosaicdata_tenmilerace", "daag_monica")})
# `small`: the first choice (validation splits of 237–866 rows). `large`: digits and the three
# largest tasks of the pool (20,000, 8,636 and 6,367 rows; validation splits of 1,273–4,000 rows).
TASK_SETS = {
    "small": ["digits", "cardata_chile", "ecdat_fishing", "modeldata_hpc_data"],
    "large": ["digits", "ggplot2_diamonds", "mosaicdata_tenmilerace", "daag_monica"],
}
EPOCHS = 27
METHODS = {
    "random-30": ["--sampler", "random", "--pruner", "none", "--trials", "30"],
    # A third of the anchor's epochs without a scheduler: its first 10 configurations, fully trained.
    "random-10": ["--sampler", "random", "--pruner", "none", "--trials", "10"],
    # A third of random-30's 810 epochs; --trials only caps. Hyperband's brackets s = 3, 2, 1 fit
    # (249 epochs, 45 trials); ASHA hands out promotions and new trials while they fit.
    "hyperband": ["--scheduler", "hyperband", "--trials", "1000", "--budget", "270"],
    "bohb": ["--scheduler", "bohb", "--trials", "1000", "--budget", "270"],
    "asha": ["--scheduler", "asha", "--trials", "1000", "--budget", "270"],
    "pbt-fixed": ["--scheduler", "pbt", "--trials", "8", "--pbt-interval", str(EPOCHS)],
    "pbt": ["--scheduler", "pbt", "--trials", "8", "--pbt-interval", "3"],
    # The same schedulers whose first rung is 3 epochs rather than 1.
    "hyperband-r3": ["--scheduler", "hyperband", "--min-resource", "3", "--trials", "1000", "--budget", "270"],
    "bohb-r3": ["--scheduler", "bohb", "--min-resource", "3", "--trials", "1000", "--budget", "270"],
    "asha-r3": ["--scheduler", "asha", "--min-resource", "3", "--trials", "1000", "--budget", "270"],
    # A first rung of 9 epochs: fewer, longer screens (Hyperband cycles brackets s = 1, 0).
    "hyperband-r9": ["--scheduler", "hyperband", "--min-resource", "9", "--trials", "1000", "--budget", "270"],
    "asha-r9": ["--scheduler", "asha", "--min-resource", "9", "--trials", "1000", "--budget", "270"],
    # The same with half of random-30's epochs: where do they reach it reliably?
    "hyperband-half": ["--scheduler", "hyperband", "--trials", "1000", "--budget", "405"],
    "bohb-half": ["--scheduler", "bohb", "--trials", "1000", "--budget", "405"],
    "asha-half": ["--scheduler", "asha", "--trials", "1000", "--budget", "405"],
    # Classic Hyperband and ASHA: random configurations instead of the default TPE sampler.
    "hyperband-random": ["--scheduler", "hyperband", "--sampler", "random", "--trials", "1000", "--budget", "270"],
    "asha-random": ["--scheduler", "asha", "--sampler", "random", "--trials", "1000", "--budget", "270"],
    # The same schedulers steered by meta-learning (`--meta auto`), learning from the former 8-epoch
    # knowledge base without the task itself (leave-one-task-out; see knowledge_without).
    "hyperband-meta": ["--scheduler", "hyperband", "--meta", "auto", "--trials", "1000", "--budget", "270"],
    "bohb-meta": ["--scheduler", "bohb", "--meta", "auto", "--trials", "1000", "--budget", "270"],
    "asha-meta": ["--scheduler", "asha", "--meta", "auto", "--trials", "1000", "--budget", "270"],
    # `-meta27`: the same, learning from a knowledge base collected under this benchmark's conditions
    # (27 epochs, scored by the last epoch; KNOWLEDGE_27 below), again without the task itself.
    "hyperband-meta27": ["--scheduler", "hyperband", "--meta", "auto", "--trials", "1000", "--budget", "270"],
    "bohb-meta27": ["--scheduler", "bohb", "--meta", "auto", "--trials", "1000", "--budget", "270"],
    "asha-meta27": ["--scheduler", "asha", "--meta", "auto", "--trials", "1000", "--budget", "270"],
    # Ten full-budget configurations chosen by that knowledge, without a scheduler (270 epochs).
    "meta27-10": ["--sampler", "random", "--meta", "auto", "--pruner", "none", "--trials", "10"],
}
# The name each benchmark task has in the shipped knowledge base (the bundled digits are sklearn_digits).
KNOWLEDGE_NAMES = {"digits": "sklearn_digits"}
# `-meta`: the knowledge base MetaTune shipped until session 6 (8 epochs, scored by the best epoch).
KNOWLEDGE_8 = os.path.join(ROOT, "bench", "results", "knowledge-mlp-8epochs-best-accuracy.json")
# `-meta27`: `meta collect --epochs 27 --metric accuracy` over the 40 pool tasks (commands in
# BENCHMARKS.md), the knowledge base MetaTune ships since.
KNOWLEDGE_27 = os.path.join(ROOT, "Sources", "MetaLearning", "Resources", "knowledge-mlp.json")
KNOWLEDGE_LOCK = threading.Lock()


def knowledge_without(directory, source, task):
    """Writes (once) the knowledge base `source` minus `task`, so a meta-steered run never learns from its own task."""
    path = os.path.join(directory, f"{os.path.basename(source)}-without-{task}.json")
    with KNOWLEDGE_LOCK:
        if not os.path.exists(path):
            knowledge = json.load(open(source))
            name = KNOWLEDGE_NAMES.get(task, task)
            knowledge["tasks"] = [entry for entry in knowledge["tasks"] if entry["name"] != name]
            with open(path, "w") as out:
                json.dump(knowledge, out)
    return path


def tune(binary, task, seed, test_fraction, storage, extra):
    """Runs `metatune tune` on `task`; returns its `--json` trial records and the held-out test record (or None)."""
    arguments = [binary, "tune", *TASKS[task], "--model", "mlp", "--epochs", str(EPOCHS), "--metric", "accuracy",
                 "--seed", str(seed), "--storage", storage, "--quiet", "--json", *extra]
    if test_fraction:
        arguments += ["--test-fraction", str(test_fraction)]
    records = [json.loads(line) for line in subprocess.run(arguments, check=True, stdout=subprocess.PIPE, text=True).stdout.splitlines()
               if line.startswith("{")]
    test = next((record["test"] for record in records if "test" in record), None)
    return [record for record in records if "state" in record], test


def retrain(binary, directory, task, seed, test_fraction, params, number, count):
    """The validation accuracies of `params` trained again `count` times on the same split with fresh
    training seeds (a trial's seed is its number: trials 0 … count, skipping the original `number`)."""
    space = os.path.join(directory, f"fixed-{task}-{seed}-{number}-{threading.get_ident()}.yaml")
    with open(space, "w") as out:
        for name, value in sorted(params.items()):
            out.write(f"{name}: {{type: categorical, choices: [{json.dumps(value)}]}}\n")
    trials, _ = tune(binary, task, seed, test_fraction, "memory:",
                     ["--space", space, "--sampler", "random", "--pruner", "none", "--trials", str(count + 1)])
    fresh = sorted((trial for trial in trials if trial["number"] != number), key=lambda trial: trial["number"])[:count]
    return [trial["value"] if trial["state"] == "complete" else None for trial in fresh]


def run_one(binary, directory, task, method, seed, test_fraction, retrain_count):
    database = os.path.join(directory, f"{task}-{method}-{seed}.sqlite")
    extra = list(METHODS[method])
    if "--meta" in extra:
        source = KNOWLEDGE_27 if "meta27" in method else KNOWLEDGE_8
        extra += ["--knowledge", knowledge_without(directory, source, task)]
    started = time.monotonic()
    trials, test = tune(binary, task, seed, test_fraction, f"sqlite:{database}", extra)
    seconds = time.monotonic() - started
    with sqlite3.connect(database) as connection:
        rows = connection.execute("select id, state, value from trials").fetchall()
        epochs = connection.execute("select count(*) from intermediate_values").fetchone()[0]
        best_any = connection.execute("select max(value) from intermediate_values").fetchone()[0]
    complete = [value for _, state, value in rows if state == "complete"]
    record = {"task": task, "method": method, "seed": seed, "trials": len(rows), "complete": len(complete),
              "epochs": epochs, "best": max(complete) if complete else None, "best_any": best_any,
              "seconds": round(seconds, 2), **({"test": test["value"]} if test else {})}
    finished = sorted((trial for trial in trials if trial["state"] == "complete"), key=lambda trial: trial["number"])
    if finished:
        best = max(finished, key=lambda trial: trial["value"])  # the first of equals, as the study's best
        record["best_trial"] = best["number"]
        record["best_params"] = best["params"]
        if retrain_count:
            values = retrain(binary, directory, task, seed, test_fraction, best["params"], best["number"], retrain_count)
            record["retrained_values"] = values
            finite = [value for value in values if value is not None]
            record["retrained"] = statistics.mean(finite) if finite else None
    return record


def run(args):
    binary = os.path.join(ROOT, ".build", "release", "metatune")
    if not os.access(binary, os.X_OK):
        sys.exit(f"build the release binary first: swift build -c release ({binary})")
    methods = args.methods.split(",") if args.methods else list(METHODS)
    jobs = [(task, method, seed) for seed in range(args.first_seed, args.first_seed + args.seeds)
            for task in TASK_SETS.get(args.tasks, args.tasks.split(",")) for method in methods]
    unknown = {task for task, _, _ in jobs} - set(TASKS)
    if unknown:
        sys.exit(f"unknown task(s): {', '.join(sorted(unknown))} (known: {', '.join(TASKS)})")
    with tempfile.TemporaryDirectory() as directory, open(args.out, "w") as out, \
            ThreadPoolExecutor(max_workers=args.parallel) as pool:
        futures = [pool.submit(run_one, binary, directory, *job, args.test_fraction, args.retrain) for job in jobs]
        for done, future in enumerate(futures, 1):
            result = future.result()
            out.write(json.dumps(result) + "\n")
            out.flush()
            print(f"[{done}/{len(jobs)}] {result}", file=sys.stderr)


def paired_record(rows, reference, key):
    """Won, tied and lost seeds of `rows` against the `reference` rows of the same seeds, on `key`."""
    by_seed = {r["seed"]: r[key] for r in reference if r.get(key) is not None}
    signs = [(r[key] > by_seed[r["seed"]]) - (r[key] < by_seed[r["seed"]]) for r in rows if r["seed"] in by_seed]
    return signs.count(1), signs.count(0), signs.count(-1)


def scored(by, task, method, key):
    return [r for r in by.get((task, method), []) if r.get(key) is not None]


def print_paired(by, tasks, key, title):
    """Per task and method: the median of `key` over seeds, its record against random-30, ✓ if the median reaches it."""
    print(f"\n{title} (median over seeds; won/tied/lost against random-30 on the same seed):\n")
    print(f"| task | method | {key} (median) | won / tied / lost | reaches random-30 |")
    print("| --- | --- | --- | --- | --- |")
    for task in tasks:
        anchor = scored(by, task, "random-30", key)
        reference = statistics.median(r[key] for r in anchor) if anchor else None
        for method in METHODS:
            rows = scored(by, task, method, key)
            if not rows:
                continue
            value = statistics.median(r[key] for r in rows)
            reached = "" if method == "random-30" or reference is None else ("✓" if value >= reference else "✗")
            print(f"| {task} | {method} | {value:.4f} | {' / '.join(map(str, paired_record(rows, anchor, key)))} | {reached} |")


def print_totals(by, tasks, keys):
    """Each method against random-30 and random-10 over all tasks: seed-task pairs won/tied/lost, and the
    tasks whose median reaches the reference's."""
    print("\nAll tasks: seed-task pairs won / tied / lost, and tasks whose median reaches the reference's:\n")
    print("| measure | reference | method | won / tied / lost | tasks reached |")
    print("| --- | --- | --- | --- | --- |")
    for key in keys:
        for reference in ("random-30", "random-10"):
            for method in METHODS:
                if method == reference or method in ("pbt", "pbt-fixed"):
                    continue
                record, reached, compared = [0, 0, 0], 0, 0
                for task in tasks:
                    rows, anchor = scored(by, task, method, key), scored(by, task, reference, key)
                    if not rows or not anchor:
                        continue
                    record = [total + part for total, part in zip(record, paired_record(rows, anchor, key))]
                    compared += 1
                    seeds = {r["seed"] for r in rows}
                    reached += statistics.median(r[key] for r in rows) >= statistics.median(
                        r[key] for r in anchor if r["seed"] in seeds)
                if compared:
                    print(f"| {key} | {reference} | {method} | {' / '.join(map(str, record))} | {reached}/{compared} |")


def summarize(args):
    results = [json.loads(line) for line in open(args.results)]
    by = {}
    for r in results:
        by.setdefault((r["task"], r["method"]), []).append(r)
    tasks = list(dict.fromkeys(r["task"] for r in results))
    print(f"Medians over seeds ({len({r['seed'] for r in results})}); best = best validation accuracy of a trial trained "
          f"the full {EPOCHS} epochs; epochs = all epochs trained.\n")
    print("| task | method | best (median) | best_any (median) | epochs (median) | epochs / random-30 | seeds reaching random-30 (best / best_any) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    verdicts = []
    for task in tasks:
        anchor = {r["seed"]: r for r in by[(task, "random-30")]}
        anchor_best = statistics.median(r["best"] for r in anchor.values())
        anchor_epochs = statistics.median(r["epochs"] for r in anchor.values())
        anchor_any = statistics.median(r["best_any"] for r in anchor.values())
        for method in METHODS:
            rows = by.get((task, method), [])
            if not rows:
                continue
            best = statistics.median(r["best"] for r in rows)
            epochs = statistics.median(r["epochs"] for r in rows)
            best_any = statistics.median(r["best_any"] for r in rows)
            reached = sum(1 for r in rows if r["best"] >= anchor[r["seed"]]["best"])
            reached_any = sum(1 for r in rows if r["best_any"] >= anchor[r["seed"]]["best_any"])
            print(f"| {task} | {method} | {best:.4f} | {best_any:.4f} | {epochs:.0f} | {epochs / anchor_epochs:.2f} | "
                  f"{reached}/{len(rows)} / {reached_any}/{len(rows)} |")
            if method not in ("random-30", "pbt", "pbt-fixed"):
                for suffix, key, reference in (("", "best", anchor_best), (" (best_any)", "best_any", anchor_any)):
                    value = statistics.median(r[key] for r in rows)
                    paired = [(r[key] > anchor[r["seed"]][key]) - (r[key] < anchor[r["seed"]][key]) for r in rows]
                    record = (paired.count(1), paired.count(0), paired.count(-1))
                    verdicts.append((task, method + suffix, value >= reference, value, reference, (epochs / anchor_epochs, record)))
        if (task, "pbt") not in by:
            continue
        fixed = statistics.median(r["best"] for r in by[(task, "pbt-fixed")])
        pbt = statistics.median(r["best"] for r in by[(task, "pbt")])
        wins = sum(1 for p, f in zip(sorted(by[(task, "pbt")], key=lambda r: r["seed"]),
                                     sorted(by[(task, "pbt-fixed")], key=lambda r: r["seed"])) if p["best"] > f["best"])
        verdicts.append((task, "pbt", pbt > fixed, pbt, fixed, wins))
    for key, title in (("test", "Held-out test accuracy of each run's best configuration"),
                       ("retrained", "Validation accuracy of each run's best configuration trained again with fresh "
                                     "training seeds (mean per run)")):
        if any(r.get(key) is not None for r in results):
            print_paired(by, tasks, key, title)
    print_totals(by, tasks, [key for key in ("best", "retrained", "test") if any(r.get(key) is not None for r in results)])
    print("\nVerdicts:")
    for task, method, ok, value, reference, extra in verdicts:
        if method == "pbt":
            print(f"- {task} pbt {value:.4f} vs best fixed member {reference:.4f} (PBT ahead on {extra} seeds): "
                  f"{'beats' if ok else 'does not beat'} the fixed population")
        else:
            share, (won, tied, lost) = extra
            verdict = ("reached" if ok else "NOT reached") + ("" if share <= 1 / 3 else ", but with MORE than a third of its epochs")
            print(f"- {task} {method} {value:.4f} vs random-30 {reference:.4f} with {share:.2f} of its epochs: {verdict} "
                  f"(seeds won/tied/lost against random-30 on the same seed: {won}/{tied}/{lost})")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run")
    run_parser.add_argument("--out", required=True)
    run_parser.add_argument("--seeds", type=int, default=5)
    run_parser.add_argument("--first-seed", type=int, default=0)
    run_parser.add_argument("--methods", help="comma-separated subset of: " + ", ".join(METHODS))
    run_parser.add_argument("--parallel", type=int, default=2)
    run_parser.add_argument("--tasks", default="small",
                            help="a task set or comma-separated task names; the sets: " +
                                 "; ".join(f"{k}: {', '.join(v)}" for k, v in TASK_SETS.items()))
    run_parser.add_argument("--test-fraction", type=float, default=0,
                            help="hold out this fraction of each data set; record the held-out test accuracy of each "
                                 "run's best configuration (trained again) as `test`")
    run_parser.add_argument("--retrain", type=int, default=0, metavar="N",
                            help="train each run's best configuration again N times on the same split with fresh "
                                 "training seeds and record the mean validation accuracy as `retrained`")
    summarize_parser = commands.add_parser("summarize")
    summarize_parser.add_argument("results")
    args = parser.parse_args()
    run(args) if args.command == "run" else summarize(args)


if __name__ == "__main__":
    main()
