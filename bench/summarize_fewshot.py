#!/usr/bin/env python3
"""Means over runs of bench/compare_fewshot.sh output: each FILE is one run (one seed) of
{"side": "metatune"|"pytorch", ...} lines. Prints a markdown table per (benchmark, shots, method,
steps): each side's per-run values, their mean over the runs that have the setting, and MetaTune's mean relative to PyTorch's (lower
is better for mse, higher for accuracy); a run that diverged counts as n/a and leaves the mean n/a.
    usage: bench/summarize_fewshot.py FILE [FILE...]"""
import json
import statistics
import sys

values = {}
for run, path in enumerate(sys.argv[1:]):
    for line in open(path):
        r = json.loads(line)
        metric = "mse" if "mse" in r else "accuracy"
        key = (r["benchmark"], r["shots"], r["method"], r["steps"], metric)
        value = r.get(metric)
        values.setdefault(key, {}).setdefault(r["side"], {})[run] = value if value is not None and value == value else None

runs = range(len(sys.argv) - 1)
print("| benchmark | shots | method | steps | MetaTune per run | PyTorch per run | MetaTune mean | PyTorch mean | MetaTune vs PyTorch |")
print("|---|---:|---|---:|---|---|---:|---:|---:|")
for key in sorted(values):
    sides = values[key]
    def per(side):
        got = sides.get(side, {})
        return [got.get(run, "missing") for run in runs]
    def mean(side):  # over the runs that have the setting; n/a when one of them diverged
        got = [v for v in per(side) if v != "missing"]
        return statistics.mean(got) if got and all(isinstance(v, float) for v in got) else None
    def text(v):
        return "n/a" if v is None else ("—" if v == "missing" else f"{v:.3f}" if key[4] == "mse" else f"{v:.1f}")
    m, p = mean("metatune"), mean("pytorch")
    if m is not None and p is not None:
        relative = f"{100 * (m / p - 1):+.0f} %" if key[4] == "mse" else f"{m - p:+.1f} points"
    else:
        relative = "—"
    print(f"| {key[0]} | {key[1]} | {key[2]} | {key[3]} | {' / '.join(map(text, per('metatune')))} | "
          f"{' / '.join(map(text, per('pytorch')))} | {text(m)} | {text(p)} | {relative} |")
