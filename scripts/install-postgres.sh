#!/usr/bin/env bash
# Makes sure the PostgreSQL server binaries (initdb, pg_ctl, postgres, and the client tools psql
# and pg_isready that come with them) are on this machine, and prints their directory.
#
# Usage: scripts/install-postgres.sh [--help]
#
# Looks in /usr/lib/postgresql/*/bin (the highest version that has initdb, pg_ctl and postgres
# wins), then on PATH (symlinks are followed, so /usr/local/bin/pg_ctl -> .../15/bin/pg_ctl gives
# .../15/bin). When none is found it installs Debian's `postgresql` package with
# `DEBIAN_FRONTEND=noninteractive apt-get install -y`, running `apt-get update` first if that
# install fails (for example because the package lists are missing or stale). Installing needs
# root; without root it stops with an error that says what to install.
#
# Output: the bin directory (e.g. /usr/lib/postgresql/15/bin) as the last line on stdout; nothing
# else on stdout. apt-get's output, when it runs, goes to stderr. Exit status 0 when the binaries
# are there at the end, 1 otherwise.
#
# Note: Debian's package creates and may start a cluster "main" on port 5432; the scripts of this
# project do not use it (see scripts/postgres-server.sh for throw-away servers).
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }

case "${1:-}" in
    -h|--help) usage; exit 0 ;;
    "") ;;
    *) echo "install-postgres.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
esac

REQUIRED=(initdb pg_ctl postgres)

# has_all DIR: DIR holds every required server binary, executable.
has_all() {
    local dir=$1 b
    for b in "${REQUIRED[@]}"; do
        [ -x "$dir/$b" ] || return 1
    done
}

# find_bin_dir: prints the bin directory, or returns 1.
find_bin_dir() {
    local dir p
    # Debian/Ubuntu layout, highest major version first.
    while IFS= read -r dir; do
        [ -n "$dir" ] || continue
        if has_all "$dir"; then
            printf '%s\n' "$dir"
            return 0
        fi
    done < <(shopt -s nullglob; for d in /usr/lib/postgresql/*/bin; do echo "$d"; done | sort -V -r)
    # PATH: resolve symlinks so that the directory holds the whole set.
    if p=$(command -v initdb 2>/dev/null); then
        dir=$(dirname "$(readlink -f "$p")")
        if has_all "$dir"; then
            printf '%s\n' "$dir"
            return 0
        fi
        # initdb, pg_ctl and postgres each on PATH but in different directories: use PATH's.
        dir=$(dirname "$p")
        if has_all "$dir"; then
            printf '%s\n' "$dir"
            return 0
        fi
    fi
    return 1
}

if bindir=$(find_bin_dir); then
    printf '%s\n' "$bindir"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-postgres.sh: PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in" \
         "/usr/lib/postgresql/*/bin or on PATH, and installing them needs root." >&2
    echo "install-postgres.sh: run as root, or: sudo apt-get install -y postgresql" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-postgres.sh: PostgreSQL server binaries not found and apt-get is not available;" \
         "install PostgreSQL (initdb, pg_ctl, postgres) by hand." >&2
    exit 1
fi

echo "install-postgres.sh: installing Debian's postgresql package" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y postgresql >&2; then
    echo "install-postgres.sh: install failed; running apt-get update and trying again" >&2
    apt-get update >&2 || echo "install-postgres.sh: apt-get update failed" >&2
    if ! apt-get install -y postgresql >&2; then
        echo "install-postgres.sh: apt-get install -y postgresql failed (see above)" >&2
        exit 1
    fi
fi

if bindir=$(find_bin_dir); then
    printf '%s\n' "$bindir"
    exit 0
fi
echo "install-postgres.sh: the postgresql package is installed but initdb, pg_ctl and postgres" \
     "were still not found in /usr/lib/postgresql/*/bin or on PATH" >&2
exit 1
