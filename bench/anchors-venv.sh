#!/usr/bin/env bash
# Makes (once) the Python venv that runs the Optuna/Hyperopt anchor scripts of shared/bench/anchors/hpo
# and prints its absolute path as the only line on stdout; everything else goes to stderr.
#   usage: bench/anchors-venv.sh            venv=$(bench/anchors-venv.sh)
#   ANCHOR_VENV=DIR  where the venv lives (default: $HOME/.cache/metatune-anchors-venv)
set -euo pipefail
# torch: Optuna's GPSampler, with greenlet, which it uses when installed to batch its L-BFGS-B starts
# (without it Optuna warns and runs them one after another); scikit-learn: Optuna's
# FanovaImportanceEvaluator fits its random forest with it (bench/importance_anchor.py --fanova);
# smac is not needed for ask_run.py; psycopg[binary] (psycopg 3 with its bundled libpq): the PostgreSQL
# driver of Optuna's RDBStorage for bench/optuna_rdb_throughput.py (SQLAlchemy 2.1 maps a plain
# postgresql:// URL to psycopg 3, no longer to psycopg2)
exec "$(dirname "$0")/python-venv.sh" "${ANCHOR_VENV:-$HOME/.cache/metatune-anchors-venv}" optuna==5.0.0 hyperopt==0.3.0 torch==2.13.0+cpu greenlet==3.5.6 scikit-learn==1.9.1 'psycopg[binary]==3.3.9'
