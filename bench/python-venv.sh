#!/usr/bin/env bash
# Makes (once) a Python venv with pinned packages and prints its absolute path as the only line on
# stdout; everything else goes to stderr. The benchmark scripts' venvs are made with it:
#   usage: bench/python-venv.sh DIR PACKAGE==VERSION...
# Idempotent: once the pinned packages are in (a stamp file in DIR), a rerun only prints the path.
set -euo pipefail

VENV="$1"; shift
PACKAGES=("$@")
STAMP="$VENV/.metatune-packages"            # written only after a successful install

if [ "$(cat "$STAMP" 2>/dev/null)" != "${PACKAGES[*]}" ]; then
    echo "python-venv: installing ${PACKAGES[*]} into $VENV" >&2
    mkdir -p "$VENV"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" >&2
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PACKAGES[@]}" >&2
    echo "${PACKAGES[*]}" > "$STAMP"
fi
cd "$VENV" && pwd
