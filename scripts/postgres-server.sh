#!/usr/bin/env bash
# A throw-away PostgreSQL server for tests and benchmarks, living wholly in one directory.
#
# Usage:
#   scripts/postgres-server.sh start DIR [--port N] [--listen ADDR] [--password PW] [--fast]
#   scripts/postgres-server.sh stop DIR
#   scripts/postgres-server.sh restart DIR [--immediate]
#   scripts/postgres-server.sh pause DIR SECONDS [--immediate]
#   scripts/postgres-server.sh --help
#
# start    Creates DIR if needed (it must not hold a server already), runs initdb into DIR/data
#          and starts the server. Prints exactly one line on stdout, the URL
#            postgresql://metatune:PASSWORD@ADDR:PORT/metatune
#          and writes it to DIR/url. The role `metatune` (LOGIN, with PASSWORD) owns the database
#          `metatune`. TCP connections from any address need the password (scram-sha-256);
#          the superuser `postgres` is reachable only through the Unix socket in DIR/sock.
#            --port N        TCP port (default: a free port, found by binding port 0 on ADDR)
#            --listen ADDR   listen_addresses (default 127.0.0.1); one address, IPv4 or IPv6
#            --password PW   the role's password (default: 24 random letters and digits)
#            --fast          fsync=off, synchronous_commit=off, full_page_writes=off (and initdb
#                            --no-sync): quicker, but a crash of the machine loses the data
#          Also: max_connections=200, log in DIR/server.log.
# stop     `pg_ctl stop -m fast`, then removes DIR. Idempotent: a DIR whose server is not
#          running, or that is gone, is fine. Refuses to delete a DIR this script did not set up.
# restart  Stops the server (fast shutdown, or --immediate: like a crash) and starts it again on
#          the same address and port with the same data. Prints the URL.
# pause    Stops the server, sleeps SECONDS, starts it again (as restart). Prints the URL.
#
# As root, the server runs as the `postgres` system user (runuser): DIR is chowned to postgres,
# so DIR's parent directories must be traversable by postgres (/tmp or `mktemp -d` is fine,
# anything under /root is not). Not as root, it runs as the calling user.
#
# Network namespaces: started inside one (`ip netns exec NS scripts/postgres-server.sh start ...`
# or `scripts/netns-lab.sh exec PREFIX db ...`), the server stays there; DIR/netns records the
# namespace, and restart/pause re-enter it by themselves when called from elsewhere (root only).
# stop works from any namespace.
#
# Binaries come from scripts/install-postgres.sh (installs Debian's postgresql when missing).
# Waiting for the server is bounded to 30 s; on failure the tail of DIR/server.log is shown on
# stderr and the exit status is 1.
#
# Example:
#   dir=$(mktemp -d); url=$(scripts/postgres-server.sh start "$dir" --fast)
#   trap 'scripts/postgres-server.sh stop "$dir"' EXIT
#   psql "$url" -c 'select 1'
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SCRIPT_PATH="$SCRIPT_DIR/$(basename "${BASH_SOURCE[0]}")"
ME=postgres-server.sh
MARKER=.metatune-postgres     # file in DIR that says this script set DIR up
WAIT_SECONDS=30

# The caller's libpq settings must not steer our own psql/pg_isready/pg_ctl calls.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGPASSWORD PGPASSFILE PGDATABASE PGDATA PGSERVICE \
      PGSERVICEFILE PGOPTIONS PGSSLMODE PGCONNECT_TIMEOUT PGTARGETSESSIONATTRS 2>/dev/null || true

usage() { sed -n '2,/^set -euo/p' "$SCRIPT_PATH" | sed -e '$d' -e 's/^# \{0,1\}//'; }
die() { echo "$ME: $*" >&2; exit 1; }

IS_ROOT=0
if [ "$(id -u)" -eq 0 ]; then IS_ROOT=1; fi

# as_pg CMD...: runs CMD as the server's user (postgres when we are root), in DIR.
as_pg() {
    if [ "$IS_ROOT" -eq 1 ]; then
        (cd "$DIR" && runuser -u postgres -- "$@")
    else
        (cd "$DIR" && "$@")
    fi
}

pg_bin() {
    local out
    out=$("$SCRIPT_DIR/install-postgres.sh") || die "PostgreSQL is not available (see above)"
    BIN=$(printf '%s\n' "$out" | tail -n 1)
    [ -x "$BIN/pg_ctl" ] || die "no pg_ctl in $BIN"
    local t
    for t in psql pg_isready; do
        [ -x "$BIN/$t" ] || die "no $t in $BIN (install postgresql-client)"
    done
}

show_log_tail() {
    if [ -f "$DIR/server.log" ]; then
        echo "$ME: last lines of $DIR/server.log:" >&2
        tail -n 30 "$DIR/server.log" | sed 's/^/    /' >&2
    else
        echo "$ME: no $DIR/server.log" >&2
    fi
}

random_password() {
    local pw=""
    while [ "${#pw}" -lt 24 ]; do
        pw+=$(head -c 512 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')
    done
    printf '%s' "${pw:0:24}"
}

free_port() {   # free_port ADDR
    local py
    py=$(command -v python3 || true)
    [ -n "$py" ] || py=/usr/bin/python3
    [ -x "$py" ] || command -v "$py" >/dev/null 2>&1 || die "python3 is needed to find a free port (or pass --port)"
    "$py" - "$1" <<'EOF'
import socket, sys
addr = sys.argv[1]
if addr in ("*", "0.0.0.0", ""):
    addr = "0.0.0.0"
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.bind((addr, 0))
print(s.getsockname()[1])
s.close()
EOF
}

# The host to put in the URL and to probe: a wildcard listen address is reached via loopback.
connect_host() {
    case "$1" in
        "*"|0.0.0.0) echo 127.0.0.1 ;;
        "::") echo ::1 ;;
        *) echo "$1" ;;
    esac
}

url_for() {   # url_for PASSWORD HOST PORT
    local pw host=$2
    pw=$(printf '%s' "$1" | python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.stdin.read(), safe=""))' 2>/dev/null) \
        || pw=$1
    case "$host" in *:*) host="[$host]" ;; esac
    printf 'postgresql://metatune:%s@%s:%s/metatune\n' "$pw" "$host" "$3"
}

current_netns() { ip netns identify "$$" 2>/dev/null || true; }

# reenter_netns ARGS...: when DIR/netns names a namespace other than ours, run this script there.
reenter_netns() {
    [ -f "$DIR/netns" ] || return 0
    local want have
    want=$(cat "$DIR/netns")
    have=$(current_netns)
    if [ "$want" = "$have" ]; then return 0; fi
    [ -n "$want" ] || die "the server was started outside any named network namespace, this is $have; run this there"
    [ "$IS_ROOT" -eq 1 ] || die "the server was started in network namespace $want; run this there"
    [ -e "/run/netns/$want" ] || die "network namespace $want (where the server ran) is gone"
    exec ip netns exec "$want" "$SCRIPT_PATH" "$@"
}

wait_ready() {   # wait_ready HOST PORT
    local deadline=$((SECONDS + WAIT_SECONDS))
    while :; do
        if "$BIN/pg_isready" -q -h "$1" -p "$2" -d postgres -t 2 >/dev/null 2>&1; then
            return 0
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "$ME: the server did not accept connections on $1:$2 within ${WAIT_SECONDS} s" >&2
            show_log_tail
            return 1
        fi
        sleep 0.2
    done
}

server_running() { as_pg "$BIN/pg_ctl" status -D "$DIR/data" >/dev/null 2>&1; }

close_inherited_descriptors() {
    local fd
    for fd in /proc/self/fd/*; do
        fd=${fd##*/}
        [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null || true
    done
}

pg_start() {
    : >>"$DIR/server.log"
    if [ "$IS_ROOT" -eq 1 ]; then chown postgres: "$DIR/server.log"; fi
    # The server outlives this script: it must not inherit any descriptor of the caller beyond
    # stdin/stdout/stderr (made /dev/null here). A caller that reads this script's output
    # through a pipe (Foundation's Process leaves the pipe open as a higher descriptor too)
    # would otherwise wait for end-of-file as long as the server runs.
    if ! ( close_inherited_descriptors
           as_pg "$BIN/pg_ctl" start -D "$DIR/data" -l "$DIR/server.log" -w -t "$WAIT_SECONDS" </dev/null >/dev/null 2>&1 ); then
        echo "$ME: pg_ctl start failed" >&2
        show_log_tail
        exit 1
    fi
    wait_ready "$(cat "$DIR/host")" "$(cat "$DIR/port")" || exit 1
}

pg_stop() {   # pg_stop MODE
    if server_running; then
        as_pg "$BIN/pg_ctl" stop -D "$DIR/data" -m "$1" -w -t "$WAIT_SECONDS" >/dev/null 2>&1 || {
            echo "$ME: pg_ctl stop -m $1 failed" >&2
            show_log_tail
            return 1
        }
    fi
}

check_dir_usable() {
    [ "$IS_ROOT" -eq 1 ] || return 0
    if ! runuser -u postgres -- test -w "$DIR" -a -x "$DIR"; then
        die "$DIR is not reachable by the postgres user (a parent directory is not traversable?); use a directory under /tmp (e.g. mktemp -d)"
    fi
}

cmd_start() {
    local port="" listen=127.0.0.1 password="" fast=0
    while [ $# -gt 0 ]; do
        case "$1" in
            --port) [ $# -ge 2 ] || die "--port needs a value"; port=$2; shift 2 ;;
            --port=*) port=${1#*=}; shift ;;
            --listen) [ $# -ge 2 ] || die "--listen needs a value"; listen=$2; shift 2 ;;
            --listen=*) listen=${1#*=}; shift ;;
            --password) [ $# -ge 2 ] || die "--password needs a value"; password=$2; shift 2 ;;
            --password=*) password=${1#*=}; shift ;;
            --fast) fast=1; shift ;;
            *) die "start: unknown argument: $1 (see --help)" ;;
        esac
    done
    [ -z "$port" ] || [[ "$port" =~ ^[0-9]+$ && "$port" -ge 1 && "$port" -le 65535 ]] || die "bad port: $port"
    [[ "$listen" =~ ^[A-Za-z0-9.:*_-]+$ ]] || die "bad listen address: $listen (one address)"
    [ -n "$password" ] || password=$(random_password)

    if [ -e "$DIR/data" ]; then
        die "$DIR/data exists already; use restart, or stop first"
    fi
    if [ -d "$DIR" ] && [ -n "$(ls -A "$DIR")" ] && [ ! -f "$DIR/$MARKER" ]; then
        die "$DIR exists and is not empty; give an empty or new directory"
    fi
    # The postgres user must be able to reach DIR: the nearest existing ancestor must be
    # traversable by it (directories that mkdir -p makes below it are, with mode 755).
    local parent
    parent=$(dirname "$DIR")
    while [ ! -d "$parent" ]; do parent=$(dirname "$parent"); done
    if [ "$IS_ROOT" -eq 1 ] && ! runuser -u postgres -- test -x "$parent"; then
        die "$parent is not traversable by the postgres user, who runs the server; give a DIR whose parents are (e.g. DIR=\$(mktemp -d) itself, or a new directory under /tmp)"
    fi
    mkdir -p "$DIR"
    : >"$DIR/$MARKER"
    # The socket path (DIR/sock/.s.PGSQL.PORT) must fit in sun_path (107 bytes).
    if [ $(( ${#DIR} + 22 )) -gt 107 ]; then
        die "$DIR is too long for a Unix socket path (max about 85 characters)"
    fi
    mkdir -p "$DIR/sock"
    if [ "$IS_ROOT" -eq 1 ]; then
        getent passwd postgres >/dev/null || die "no postgres system user (is the postgresql package installed?)"
        chown -R postgres: "$DIR"
    fi
    chmod 700 "$DIR"    # DIR/url holds the password
    check_dir_usable

    local host
    host=$(connect_host "$listen")
    [ -n "$port" ] || port=$(free_port "$listen") || die "could not find a free port on $listen"
    printf '%s\n' "$host" >"$DIR/host"
    printf '%s\n' "$port" >"$DIR/port"
    current_netns >"$DIR/netns"

    local initdb_args=(-D "$DIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256
                       --no-locale --encoding=UTF8)
    if [ "$fast" -eq 1 ]; then initdb_args+=(--no-sync); fi
    if ! as_pg "$BIN/initdb" "${initdb_args[@]}" >"$DIR/initdb.log" 2>&1; then
        echo "$ME: initdb failed; last lines of $DIR/initdb.log:" >&2
        tail -n 20 "$DIR/initdb.log" | sed 's/^/    /' >&2
        exit 1
    fi

    # Settings: appended to postgresql.conf (later lines win over initdb's).
    {
        echo
        echo "# --- scripts/postgres-server.sh ---"
        echo "listen_addresses = '$listen'"
        echo "port = $port"
        echo "unix_socket_directories = '$DIR/sock'"
        echo "max_connections = 200"
        echo "password_encryption = 'scram-sha-256'"
        echo "logging_collector = off"
        if [ "$fast" -eq 1 ]; then
            echo "fsync = off"
            echo "synchronous_commit = off"
            echo "full_page_writes = off"
        fi
    } >>"$DIR/data/postgresql.conf"
    # Authentication: the socket (in DIR/sock, private to the server's user) trusts; TCP needs
    # the password, from anywhere (the server listens only where --listen says).
    cat >"$DIR/data/pg_hba.conf" <<'EOF'
# written by scripts/postgres-server.sh
# TYPE  DATABASE  USER  ADDRESS    METHOD
local   all       all              trust
host    all       all   0.0.0.0/0  scram-sha-256
host    all       all   ::/0       scram-sha-256
EOF
    if [ "$IS_ROOT" -eq 1 ]; then chown postgres: "$DIR/data/postgresql.conf" "$DIR/data/pg_hba.conf"; fi

    pg_start

    if ! as_pg "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR/sock" -p "$port" -U postgres -d postgres \
            -v pw="$password" >/dev/null 2>"$DIR/setup.err" <<'EOF'
CREATE ROLE metatune LOGIN PASSWORD :'pw';
CREATE DATABASE metatune OWNER metatune;
EOF
    then
        echo "$ME: creating the role and database failed:" >&2
        sed 's/^/    /' "$DIR/setup.err" >&2
        exit 1
    fi
    rm -f "$DIR/setup.err"

    local url
    url=$(url_for "$password" "$host" "$port")
    ( umask 077; printf '%s\n' "$url" >"$DIR/url" )
    if [ "$IS_ROOT" -eq 1 ]; then chown postgres: "$DIR/url"; fi
    printf '%s\n' "$url"
}

cmd_stop() {
    [ $# -eq 0 ] || die "stop: unexpected argument: $1"
    [ -e "$DIR" ] || return 0
    [ -f "$DIR/$MARKER" ] || die "$DIR was not set up by this script (no $MARKER); not deleting it"
    if [ -d "$DIR/data" ]; then
        if ! pg_stop fast; then
            # Last resort: an immediate stop, so that removing DIR does not leave a server behind.
            as_pg "$BIN/pg_ctl" stop -D "$DIR/data" -m immediate -w -t "$WAIT_SECONDS" >/dev/null 2>&1 || true
        fi
        if server_running; then
            die "the server in $DIR/data is still running; not deleting $DIR"
        fi
    fi
    rm -rf -- "$DIR"
}

# restart_like SECONDS ARGS...: stop, sleep SECONDS, start again on the same port.
restart_like() {
    local seconds=$1 mode=fast
    shift
    while [ $# -gt 0 ]; do
        case "$1" in
            --immediate) mode=immediate; shift ;;
            *) die "unknown argument: $1 (see --help)" ;;
        esac
    done
    [ -f "$DIR/$MARKER" ] && [ -d "$DIR/data" ] || die "$DIR holds no server set up by this script"
    pg_stop "$mode" || exit 1
    [ "$seconds" = 0 ] || sleep "$seconds"
    pg_start
    cat "$DIR/url"
}

main() {
    case "${1:-}" in
        -h|--help|help) usage; exit 0 ;;
        "") usage >&2; exit 2 ;;
    esac
    local cmd=$1
    shift
    [ $# -ge 1 ] || die "$cmd: DIR is missing (see --help)"
    case "$1" in
        /*) DIR=$1 ;;
        *) DIR=$(pwd)/$1 ;;
    esac
    DIR=$(realpath -m -- "$DIR")
    [ "$DIR" != / ] || die "DIR must not be /"
    shift
    pg_bin
    case "$cmd" in
        start) cmd_start "$@" ;;
        stop) cmd_stop "$@" ;;
        restart)
            reenter_netns restart "$DIR" "$@"
            restart_like 0 "$@" ;;
        pause)
            [ $# -ge 1 ] || die "pause: SECONDS is missing (see --help)"
            [[ "$1" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "pause: bad SECONDS: $1"
            reenter_netns pause "$DIR" "$@"
            local s=$1
            shift
            restart_like "$s" "$@" ;;
        *) die "unknown command: $cmd (see --help)" ;;
    esac
}

main "$@"
