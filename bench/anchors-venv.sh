#!/usr/bin/env bash
# Makes (once) the Python venv that runs the Optuna/Hyperopt anchor scripts of shared/bench/anchors/hpo
# and prints its absolute path as the only line on stdout; everything else goes to stderr.
#   usage: bench/anchors-venv.sh            venv=$(bench/anchors-venv.sh)
#   ANCHOR_VENV=DIR  where the venv lives (default: $HOME/.cache/metatune-anchors-venv)
# Idempotent: once the pinned packages are in, a rerun only prints the path.
set -euo pipefail

PACKAGES=(optuna==5.0.0 hyperopt==0.3.0 torch==2.13.0+cpu)   # torch: Optuna's GPSampler; smac is not needed for ask_run.py
VENV="${ANCHOR_VENV:-$HOME/.cache/metatune-anchors-venv}"
STAMP="$VENV/.metatune-anchors"            # written only after a successful install

if [ "$(cat "$STAMP" 2>/dev/null)" != "${PACKAGES[*]}" ]; then
    echo "anchors-venv: installing ${PACKAGES[*]} into $VENV" >&2
    mkdir -p "$VENV"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" >&2
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PACKAGES[@]}" >&2
    echo "${PACKAGES[*]}" > "$STAMP"
fi
cd "$VENV" && pwd
