#!/usr/bin/env python3
"""Table and acceptance verdicts for `metatune meta bench --json` output.

    .build/release/metatune meta bench --leave-one-out bench/results/knowledge-mlp-8epochs-best-accuracy.json --budget 30 --seeds 5 --json \
        > bench/results/meta-mlp-pool-loo-knowledge8epochs.jsonl
    python3 bench/compare_meta.py bench/results/meta-mlp-pool-loo-knowledge8epochs.jsonl

Cold-start methods are random, tpe and gp; every other method is a meta-learning one.
"""
import json, sys

COLD = {"random", "tpe", "gp"}
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
checkpoints = list(rows[0]["regret"].keys())
print("| method | " + " | ".join(f"regret @{c}" for c in checkpoints) + " | trials to target | average rank | Spearman |")
print("|---|" + "---:|" * (len(checkpoints) + 3))
for r in rows:
    cells = [f"{r['regret'][c]:.3f}" for c in checkpoints]
    spearman = "" if r["spearman"] is None else f"{r['spearman']:.3f}"
    print(f"| {r['method']} | " + " | ".join(cells) + f" | {r['trials_to_target']:g} | {r['average_rank']:.2f} | {spearman} |")

cold = [r for r in rows if r["method"] in COLD]
meta = [r for r in rows if r["method"] not in COLD]
if cold and meta and "5" in rows[0]["regret"]:
    best_cold5 = min(cold, key=lambda r: r["regret"]["5"])
    best_meta5 = min(meta, key=lambda r: r["regret"]["5"])
    ratio = best_meta5["regret"]["5"] / best_cold5["regret"]["5"] if best_cold5["regret"]["5"] > 0 else float("inf")
    print()
    print(f"regret @5: best meta {best_meta5['method']} {best_meta5['regret']['5']:.3f} vs best cold {best_cold5['method']} "
          f"{best_cold5['regret']['5']:.3f} -> ratio {ratio:.2f} ({'<= 0.5: met' if ratio <= 0.5 else '> 0.5: not met'})")
    best_cold_t = min(cold, key=lambda r: r["trials_to_target"])
    best_meta_t = min(meta, key=lambda r: r["trials_to_target"])
    speedup = best_cold_t["trials_to_target"] / best_meta_t["trials_to_target"]
    print(f"trials to target: best meta {best_meta_t['method']} {best_meta_t['trials_to_target']:g} vs best cold "
          f"{best_cold_t['method']} {best_cold_t['trials_to_target']:g} -> {speedup:.2f}x fewer ({'>= 3: met' if speedup >= 3 else '< 3: not met'})")
    for r in rows:
        if r["spearman"] is not None:
            print(f"{r['method']} median Spearman on unseen tasks {r['spearman']:.3f} ({'>= 0.6: met' if r['spearman'] >= 0.6 else '< 0.6: not met'})")
    auto = next((r for r in rows if r["method"] == "auto"), None)
    if auto is not None:
        within = auto["regret"]["5"] <= 1.1 * best_meta5["regret"]["5"] + 1e-9
        print(f"auto regret @5 {auto['regret']['5']:.3f} vs best meta {best_meta5['method']} {best_meta5['regret']['5']:.3f} "
              f"({'within 10 %: met' if within else 'more than 10 % worse: not met'}); "
              f"auto trials to target {auto['trials_to_target']:g} vs best {best_meta_t['trials_to_target']:g}")
