#!/usr/bin/env bash
# Installs the headless browser that scripts/browser-check.py drives (Debian's `chromium`) when it is missing
# (Debian/Ubuntu: apt-get; run as root or with sudo). Prints nothing when chromium is already on PATH.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: chromium is not on PATH and apt-get is not available; install Chromium by hand." >&2
    exit 1
fi

sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
echo "Installing: chromium"
$sudo_cmd apt-get update -qq >/dev/null
$sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

if ! command -v chromium >/dev/null 2>&1; then
    echo "error: apt-get installed the chromium package but chromium is still not on PATH." >&2
    exit 1
fi
