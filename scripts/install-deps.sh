#!/usr/bin/env bash
# Installs what building MetaTune needs when it is missing (Debian/Ubuntu: apt-get; run as root or with sudo).
set -euo pipefail

# System packages MetaTune links against: SQLite (through GRDB) and OpenBLAS (dense algebra); and
# Fashion-MNIST (/usr/share/datasets/fashion-mnist, gzipped IDX), the few-shot benchmark's images.
APT_PACKAGES=(libsqlite3-dev libopenblas-dev dataset-fashion-mnist)

if ! command -v swift >/dev/null 2>&1; then
    echo "error: the Swift toolchain (6.0 or newer) is not on PATH; install it from swift.org first." >&2
    exit 1
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    echo "Installing: ${missing[*]}"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
