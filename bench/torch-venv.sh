#!/usr/bin/env bash
# Creates (once) a Python venv with PyTorch CPU for the training-benchmark anchors and prints its path.
#   usage: PY=$(bench/torch-venv.sh)/bin/python
set -euo pipefail
VENV="${TORCH_VENV:-$HOME/.cache/metatune-torch-venv}"
PINS="torch==2.13.0+cpu numpy threadpoolctl"
if [ ! -f "$VENV/.metatune-torch" ] || [ "$(cat "$VENV/.metatune-torch")" != "$PINS" ]; then
    echo "torch-venv: installing $PINS into $VENV" >&2
    python3 -m venv "$VENV" >&2
    "$VENV/bin/pip" install -q $PINS >&2
    echo "$PINS" > "$VENV/.metatune-torch"
fi
echo "$VENV"
