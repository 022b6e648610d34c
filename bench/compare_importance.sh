#!/usr/bin/env bash
# Side-by-side parameter importance: MetaTune's PED-ANOVA and fANOVA against Optuna's
# PedAnovaImportanceEvaluator and FanovaImportanceEvaluator(seed=0), on the same trials, same machine.
#   usage: bench/compare_importance.sh [BIN] [--trials 10000] [--params 8] [--repeats 5]
#                                      [--fanova-max-trials 2000|all] [--fanova-repeats 3] [--known x1,x2,x3]
#   BIN           MetaTune binary (default: $METATUNE_BIN or .build/release/metatune; swift build -c release)
#   ANCHOR_VENV   see bench/anchors-venv.sh (the venv is made on first use)
# (1) `BIN bench importance --trials T --params P --json --export FILE` builds a study of known
#     structure, times MetaTune's PED-ANOVA and fANOVA and writes the study's export; (2)
#     bench/importance_anchor.py times Optuna on that export (Optuna's fANOVA on the first
#     --fanova-max-trials trials only, default 2000, --fanova-repeats times, default 3: it grows about
#     quadratically with trials, one 10,000-trial run took 23 min; "all" for every trial); (3) prints the median
#     seconds of each, the ratio optuna/metatune (> 1: MetaTune faster) and whether each ranking starts
#     with the known order (MetaTune's JSON "known_order" if it has one, else --known), then each
#     parameter's importance. Temporary files live in a mktemp -d directory removed on exit.
set -euo pipefail

BIN="${METATUNE_BIN:-.build/release/metatune}"
TRIALS=10000 PARAMS=8 REPEATS=5 FANOVA_MAX=2000 FANOVA_REPEATS=3 KNOWN=x1,x2,x3
while [ $# -gt 0 ]; do
    case "$1" in
        --trials)            TRIALS="$2";         shift 2 ;;
        --params)            PARAMS="$2";         shift 2 ;;
        --repeats)           REPEATS="$2";        shift 2 ;;
        --fanova-max-trials) FANOVA_MAX="$2";     shift 2 ;;
        --fanova-repeats)    FANOVA_REPEATS="$2"; shift 2 ;;
        --known)             KNOWN="$2";          shift 2 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        -*) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
        *)  BIN="$1"; shift ;;
    esac
done
[ "$FANOVA_MAX" = all ] && FANOVA_MAX=""
for n in "$TRIALS" "$PARAMS" "$REPEATS" ${FANOVA_MAX:+"$FANOVA_MAX"} "$FANOVA_REPEATS"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "numeric options take positive integers (got $n)" >&2; exit 2; }
done

cd "$(dirname "$0")/.."
[ -x "$BIN" ] || { echo "no MetaTune binary at $BIN (swift build -c release, or pass BIN)" >&2; exit 1; }
PY="$(bench/anchors-venv.sh)/bin/python"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "metatune: $BIN bench importance --trials $TRIALS --params $PARAMS --json --export ..." >&2
"$BIN" bench importance --trials "$TRIALS" --params "$PARAMS" --json --export "$TMP/export.json" > "$TMP/metatune.out"
[ -s "$TMP/export.json" ] || { echo "metatune wrote no export" >&2; exit 1; }

anchor_args=(--repeats "$REPEATS" --fanova)
[ -n "$FANOVA_MAX" ] && anchor_args+=(--fanova-max-trials "$FANOVA_MAX")
anchor_args+=(--fanova-repeats "$FANOVA_REPEATS")
echo "optuna: bench/importance_anchor.py ${anchor_args[*]}" >&2
"$PY" bench/importance_anchor.py "$TMP/export.json" "${anchor_args[@]}" > "$TMP/optuna.json"

python3 - "$TMP/metatune.out" "$TMP/optuna.json" "$KNOWN" <<'EOF'
import json, sys

mt_path, op_path, known_arg = sys.argv[1:]
text = open(mt_path).read()
mt, dec, pos = None, json.JSONDecoder(), 0
while True:                            # the last JSON object with "ped_anova" that starts a line
    try:
        obj, _ = dec.raw_decode(text, pos)
        if isinstance(obj, dict) and "ped_anova" in obj:
            mt = obj
    except ValueError:
        pass
    pos = text.find("\n{", pos) + 1
    if pos == 0:
        break
if mt is None:
    sys.exit("no JSON object with \"ped_anova\" in MetaTune's output")
op = json.load(open(op_path))
known = mt.get("known_order") or known_arg.split(",")

def agrees(ranking):
    return "yes" if ranking[:len(known)] == known else "no (" + " > ".join(ranking[:len(known)]) + ")"

print(f"{op['trials']} trials, {op['params']} params; known order {' > '.join(known)} > rest; optuna {op['optuna']}")
print()
print("| method | MetaTune median s | Optuna median s | Optuna / MetaTune | MetaTune ranking | Optuna ranking |")
print("|---|---:|---:|---:|---|---|")
notes = []
for key, label in (("ped_anova", "PED-ANOVA"), ("fanova", "fANOVA")):
    m, o = mt.get(key), op.get(key)
    if m is None and o is None:
        continue
    ms = f"{m['median_s']:.4f}" if m else "-"
    os_ = f"{o['median_s']:.4f}" if o else "-"
    ratio = f"{o['median_s'] / m['median_s']:.1f}x" if m and o and m["median_s"] > 0 else "-"
    if o and o.get("trials", op["trials"]) != op["trials"]:
        ratio += " *" if ratio != "-" else ""
        notes.append(f"* Optuna's {label} was {o['note']}, MetaTune's on all {mt.get('trials', op['trials'])}: "
                     "the ratio compares unequal work.")
    print(f"| {label} | {ms} | {os_} | {ratio} | {agrees(m['ranking']) if m else '-'} | "
          f"{agrees(o['ranking']) if o else '-'} |")
for n in notes:
    print(n)

cols = [(k, who, src[k]) for k in ("ped_anova", "fanova") for who, src in (("MetaTune", mt), ("Optuna", op))
        if src.get(k) and src[k].get("importances")]
if cols:
    names = list(op["ped_anova"]["ranking"])
    names += [n for _, _, r in cols for n in r["importances"] if n not in names]
    print()
    print("| param | " + " | ".join(f"{who} {'PED-ANOVA' if k == 'ped_anova' else 'fANOVA'}" for k, who, _ in cols) + " |")
    print("|---|" + "---:|" * len(cols))
    for n in names:
        cells = [f"{r['importances'][n]:.4f}" if n in r["importances"] else "-" for _, _, r in cols]
        print(f"| {n} | " + " | ".join(cells) + " |")
EOF
