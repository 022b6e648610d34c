#!/usr/bin/env bash
# Makes (once) the Python venv that runs bench/sklearn_pool/train.py (scikit-learn's
# HistGradientBoostingClassifier; numpy and scipy come as its dependencies) and prints its
# absolute path as the only line on stdout; everything else goes to stderr.
#   usage: bench/sklearn-venv.sh            PY=$(bench/sklearn-venv.sh)/bin/python
#   SKLEARN_VENV=DIR  where the venv lives (default: $HOME/.cache/metatune-sklearn-venv)
set -euo pipefail
exec "$(dirname "$0")/python-venv.sh" "${SKLEARN_VENV:-$HOME/.cache/metatune-sklearn-venv}" scikit-learn==1.9.1
