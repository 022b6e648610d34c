#!/usr/bin/env python3
"""Optuna's parameter importance (the anchor for MetaTune's PED-ANOVA and fANOVA) on the trials of a
`metatune study export NAME --format json` file, timed.

    PY=$(bench/anchors-venv.sh)/bin/python
    $PY bench/importance_anchor.py --make-known bench/scratch/known.json [--trials 10000] [--seed 0] [--variant mixed]
    $PY bench/importance_anchor.py bench/scratch/known.json [--repeats 5] [--fanova [--fanova-max-trials 2000]]

Reads the export, builds an in-memory Optuna study of its complete trials (state "complete" with a
finite value; the study's direction), then times `optuna.importance.get_param_importances(study,
evaluator=...)` with time.perf_counter, R times (--repeats; PED-ANOVA after one untimed call, as
MetaTune's side): PedAnovaImportanceEvaluator() with its
defaults, and with --fanova also FanovaImportanceEvaluator(seed=0) (scikit-learn fits its forest; it
takes tens of seconds on 10,000 trials, so --fanova-max-trials N times it on the first N complete
trials by trial number, and the output says so; --fanova-repeats R2 repeats it R2 times instead of
R). Building the study is not timed. Prints one JSON object on stdout:
    {"trials", "params", "direction", "ped_anova": {"median_s", "runs_s", "importances", "ranking"},
     "fanova": {... same, plus "trials" and "note"} or null, "optuna": version}
Importances are Optuna's normalised ones (they sum to 1); ranking is most important first.
Progress goes to stderr.

--make-known FILE writes a synthetic export instead (the same shape), to check this script without
MetaTune: --trials complete trials (plus one pruned, one failed and one running trial that must be
ignored), eight parameters x1..x8, value = 10*u1 + 3*u2 + 1*u3 (minimize), where u_i is x_i mapped to
[0, 1], so the known order is x1 > x2 > x3 > the rest (which have no effect).
  --variant plain: x1..x8 floats uniform on [0, 1].
  --variant mixed (default): x1 float on [0, 1]; x2 log float on [1e-3, 1] (drawn log-uniform, u2 its
  position in log space); x3 int on 0..10 (u3 = x3 / 10); x4 categorical ["a", "b", 3, true]; x5 float
  on [0, 1] with step 0.1; x6..x8 floats on [0, 1].
"""
import argparse, json, math, statistics, sys, time


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def make_known(path, n_trials, seed, variant):
    import numpy as np

    rng = np.random.default_rng(seed)
    dists = {f"x{i}": {"type": "float", "low": 0.0, "high": 1.0, "log": False} for i in range(1, 9)}
    cols = {f"x{i}": rng.uniform(0.0, 1.0, n_trials) for i in range(1, 9)}
    u = {name: cols[name] for name in ("x1", "x2", "x3")}
    if variant == "mixed":
        lo, hi = 1e-3, 1.0
        dists["x2"] = {"type": "float", "low": lo, "high": hi, "log": True}
        cols["x2"] = np.exp(rng.uniform(math.log(lo), math.log(hi), n_trials))
        u["x2"] = (np.log(cols["x2"]) - math.log(lo)) / (math.log(hi) - math.log(lo))
        dists["x3"] = {"type": "int", "low": 0, "high": 10, "log": False, "step": 1}
        cols["x3"] = rng.integers(0, 11, n_trials)
        u["x3"] = cols["x3"] / 10.0
        choices = ["a", "b", 3, True]
        dists["x4"] = {"type": "categorical", "choices": choices}
        cols["x4"] = rng.integers(0, len(choices), n_trials)
        dists["x5"] = {"type": "float", "low": 0.0, "high": 1.0, "log": False, "step": 0.1}
        cols["x5"] = rng.integers(0, 11, n_trials) / 10.0
    values = 10.0 * u["x1"] + 3.0 * u["x2"] + 1.0 * u["x3"]

    def param(name, k):
        v = cols[name][k]
        d = dists[name]
        if d["type"] == "categorical":
            return d["choices"][int(v)]
        if d["type"] == "int":
            return int(v)
        return round(float(v), 1) if d.get("step") else float(v)

    trials = []
    for k in range(n_trials):
        trials.append({"number": k, "state": "complete", "value": float(values[k]),
                       "params": {name: param(name, k) for name in dists},
                       "duration_s": 0.0, "intermediate_values": {}, "user_attrs": {}})
    # trials the reader must skip: not complete, or complete without a value
    for state, value in (("pruned", 0.0), ("fail", None), ("running", None)):
        k = len(trials)
        trials.append({"number": k, "state": state, "value": value,
                       "params": {name: param(name, 0) for name in dists},
                       "duration_s": 0.0, "intermediate_values": {"0": -1e9} if state == "pruned" else {},
                       "user_attrs": {}})
    export = {"name": f"known-{variant}-{n_trials}-seed{seed}", "direction": "minimize",
              "distributions": dists, "trials": trials}
    with open(path, "w") as f:
        json.dump(export, f)
    log(f"wrote {path}: {n_trials} complete trials + 3 to skip, variant {variant}, known order x1 > x2 > x3 > rest")


def to_distribution(spec):
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    kind = spec["type"]
    if kind == "float":
        return FloatDistribution(float(spec["low"]), float(spec["high"]), log=bool(spec.get("log", False)),
                                 step=None if spec.get("step") is None else float(spec["step"]))
    if kind == "int":
        return IntDistribution(int(spec["low"]), int(spec["high"]), log=bool(spec.get("log", False)),
                               step=int(spec.get("step", 1)))
    if kind == "categorical":
        return CategoricalDistribution(spec["choices"])
    raise ValueError(f"unknown distribution type {kind!r}")


def load_trials(export):
    """Optuna FrozenTrials of the export's complete trials with a finite value, by trial number."""
    import optuna

    dists = {name: to_distribution(spec) for name, spec in export["distributions"].items()}
    kept, skipped = [], 0
    for t in sorted(export["trials"], key=lambda t: t["number"]):
        v = t.get("value")
        if t.get("state") != "complete" or v is None or not math.isfinite(v):
            skipped += 1
            continue
        params = {}
        for name, x in t["params"].items():
            d = dists[name]
            params[name] = int(x) if isinstance(d, optuna.distributions.IntDistribution) else x
        kept.append(optuna.trial.create_trial(params=params, distributions={n: dists[n] for n in params},
                                              value=float(v)))
    return kept, skipped, dists


def make_study(direction, trials):
    import optuna

    study = optuna.create_study(direction=direction)
    study.add_trials(trials)
    return study


def time_importance(study, make_evaluator, repeats, label, warmup=False):
    import optuna

    runs, result = [], None
    if warmup:  # one untimed call first, as MetaTune's side does: lazy imports, caches
        optuna.importance.get_param_importances(study, evaluator=make_evaluator())
    for r in range(repeats):
        evaluator = make_evaluator()
        t0 = time.perf_counter()
        result = optuna.importance.get_param_importances(study, evaluator=evaluator)
        runs.append(time.perf_counter() - t0)
        log(f"{label} run {r + 1}/{repeats}: {runs[-1]:.4f} s")
    ranking = sorted(result, key=lambda k: -result[k])
    return {"median_s": statistics.median(runs), "runs_s": runs,
            "importances": {k: float(result[k]) for k in ranking}, "ranking": ranking}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("export", nargs="?", help="JSON from `metatune study export NAME --format json`")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--fanova", action="store_true", help="also time FanovaImportanceEvaluator(seed=0)")
    ap.add_argument("--fanova-max-trials", type=int, default=None, metavar="N",
                    help="time fANOVA on the first N complete trials only")
    ap.add_argument("--fanova-repeats", type=int, default=None, metavar="R2", help="default: --repeats")
    ap.add_argument("--make-known", metavar="FILE", help="write a synthetic export to FILE and exit")
    ap.add_argument("--trials", type=int, default=10000, help="complete trials of --make-known")
    ap.add_argument("--seed", type=int, default=0, help="numpy seed of --make-known")
    ap.add_argument("--variant", choices=["plain", "mixed"], default="mixed", help="parameters of --make-known")
    a = ap.parse_args()

    if a.make_known:
        make_known(a.make_known, a.trials, a.seed, a.variant)
        return
    if not a.export:
        ap.error("give an export file, or --make-known FILE")
    if a.repeats < 1 or (a.fanova_repeats is not None and a.fanova_repeats < 1):
        ap.error("repeats must be at least 1")

    import optuna
    from optuna.importance import FanovaImportanceEvaluator, PedAnovaImportanceEvaluator

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with open(a.export) as f:
        export = json.load(f)
    direction = export.get("direction", "minimize")
    trials, skipped, dists = load_trials(export)
    study = make_study(direction, trials)
    log(f"{a.export}: {len(trials)} complete trials ({skipped} skipped), {len(dists)} params, {direction}; "
        f"optuna {optuna.__version__}")

    out = {"trials": len(trials), "params": len(dists), "direction": direction,
           "ped_anova": time_importance(study, PedAnovaImportanceEvaluator, a.repeats, "ped_anova", warmup=True),
           "fanova": None, "optuna": optuna.__version__}

    if a.fanova:
        n = len(trials) if a.fanova_max_trials is None else min(a.fanova_max_trials, len(trials))
        fstudy = study if n == len(trials) else make_study(direction, trials[:n])
        res = time_importance(fstudy, lambda: FanovaImportanceEvaluator(seed=0),
                              a.fanova_repeats or a.repeats, f"fanova ({n} trials)")
        res["trials"] = n
        res["note"] = ("all complete trials" if n == len(trials)
                       else f"timed on the first {n} of {len(trials)} complete trials (--fanova-max-trials)")
        out["fanova"] = res
        if n < len(trials):
            log(f"note: fANOVA {res['note']}")
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
