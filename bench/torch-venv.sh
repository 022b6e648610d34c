#!/usr/bin/env bash
# Creates (once) a Python venv with PyTorch CPU for the training-benchmark anchors and the
# text-classification reference (Hugging Face tokenizers + sentence-transformers), and prints its path.
#   usage: PY=$(bench/torch-venv.sh)/bin/python
# The venv is rebuilt in place whenever PINS change (the marker file holds the pin string).
# transformers is pinned too because sentence-transformers' results depend on it.
set -euo pipefail
VENV="${TORCH_VENV:-$HOME/.cache/metatune-torch-venv}"
PINS="torch==2.13.0+cpu numpy threadpoolctl tokenizers==0.23.3 transformers==5.25.0 sentence-transformers==6.3.0"
if [ ! -f "$VENV/.metatune-torch" ] || [ "$(cat "$VENV/.metatune-torch")" != "$PINS" ]; then
    echo "torch-venv: installing $PINS into $VENV" >&2
    python3 -m venv "$VENV" >&2
    "$VENV/bin/pip" install -q $PINS >&2
    if ! "$VENV/bin/python" -c "import torch, tokenizers, sentence_transformers" >&2; then
        echo "torch-venv: the installed packages do not import (see above); venv left unmarked" >&2
        exit 1
    fi
    echo "$PINS" > "$VENV/.metatune-torch"
fi
echo "$VENV"
