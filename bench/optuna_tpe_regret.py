#!/usr/bin/env python3
"""Median log10 regret after N trials of Optuna's default TPESampler on shared problems, any seeds.

    PY=$(bench/anchors-venv.sh)/bin/python
    $PY bench/optuna_tpe_regret.py --seeds 30 --problems hartmann6,styblinski_tang [--trials 100]

Complements the anchors' stored runs (seeds 0-9) when more seeds are needed to tell noise from effect.
Prints one JSON line per problem: {"problem", "sampler": "optuna_tpe", "seeds", "trials", "median_log10_regret"}.
"""
import argparse, json, math, os, statistics, sys
from pathlib import Path

ap = argparse.ArgumentParser()
ap.add_argument("--seeds", type=int, default=30)
ap.add_argument("--trials", type=int, default=100)
ap.add_argument("--problems", default="hartmann6,styblinski_tang")
ap.add_argument("--shared-bench", default=str(Path(__file__).resolve().parent.parent.parent / "shared/bench"))
a = ap.parse_args()
sys.path.insert(0, str(Path(a.shared_bench) / "anchors/hpo"))
os.environ.setdefault("HPO_BENCH_DIR", a.shared_bench)
import optuna  # noqa: E402
from bench_problems import load_spec, ref  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)
spec = load_spec()["by_name"]
for name in a.problems.split(","):
    problem = spec[name]

    def objective(trial):
        params = {}
        for p in problem["params"]:
            if p["type"] == "float":
                params[p["name"]] = trial.suggest_float(p["name"], p["low"], p["high"], log=p["log"])
            elif p["type"] == "int":
                params[p["name"]] = trial.suggest_int(p["name"], int(p["low"]), int(p["high"]), log=p["log"])
            else:
                params[p["name"]] = trial.suggest_categorical(p["name"], p["choices"])
        return ref.evaluate(name, params)

    regrets = []
    for seed in range(a.seeds):
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
        study.optimize(objective, n_trials=a.trials)
        regrets.append(math.log10(max(0.0, study.best_value - problem["f_star"]) + 1e-12))
    print(json.dumps({"problem": name, "sampler": "optuna_tpe", "seeds": a.seeds, "trials": a.trials,
                      "median_log10_regret": statistics.median(regrets)}))
