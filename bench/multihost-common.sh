# shellcheck shell=bash
# The plumbing bench/multihost_faults.sh and bench/multihost_schedulers.sh share: a sourced file,
# not a script of its own. It defines functions and sets LAB (scripts/netns-lab.sh) and PG
# (scripts/postgres-server.sh); sourcing it runs nothing else.
#
# The caller sets, before sourcing:
#   ROOT   the repository's root (holds bench/ and scripts/);
#   ME     the script's name, for messages ("multihost_faults: …");
# and `set -uo pipefail`. Before begin_run it also sets TIME_LIMIT (seconds; the watchdog's).
# The caller's header comment runs from line 2 to its `set -uo pipefail` line: --help prints it.
#
# Functions, in the order a script calls them:
#   parse_args "$@"          --json FILE, --bin METATUNE, --keep, -h/--help, or a bare executable
#                            path as --bin (anything else: exit 2); sets JSON_OUT (absolute, or
#                            empty), KEEP_BIN, BIN_ARG and SRC_BIN (--bin, else $METATUNE_BIN, else
#                            ROOT/.build/release/metatune).
#   check_prerequisites TOOL...   exit 2 unless root, SRC_BIN executable and every TOOL on PATH.
#   begin_run WORK_TEMPLATE LAB_LETTERS
#                            START_EPOCH; the work folder W (mktemp -d -t WORK_TEMPLATE, mode 755);
#                            the lab's name PREFIX (LAB_LETTERS and six random digits);
#                            RUNNER_PIDS=(), PGDIR="", VERIFIED=0, FAIL_REASON=""; the traps
#                            (cleanup on EXIT; INT/TERM: "interrupted"; ALRM: the time limit) and
#                            the watchdog that sends ALRM after TIME_LIMIT seconds (WATCHDOG);
#                            then SRC_BIN copied to W/metatune, MT (a rebuild changes nothing).
#   lab_up PG_TEMPLATE [START-OPTION...]
#                            netns-lab.sh up PREFIX; PostgreSQL in PREFIX-db on its lab address
#                            (postgres-server.sh start PGDIR --listen DBADDR START-OPTION..., PGDIR
#                            from mktemp -d -t PG_TEMPLATE); sets DBADDR, PGDIR, PGPORT, URL
#                            (postgresql://metatune@DBADDR:PGPORT/metatune?URL_OPTS: the caller
#                            sets URL_OPTS) and exports PGPASSWORD (never on a command line); logs
#                            the server's version ("(durable)" unless --fast is among the options).
#   sql QUERY                psql from inside PREFIX-db over TCP to the lab address (-Atq, stops on
#                            an error, 5 s to connect).
#   start_runner HOST TAG ARGS...
#                            `METATUNE_HOST=HOST metatune run ARGS` in PREFIX-HOST, in the
#                            background, output in W/TAG.out and W/TAG.err; sets RUNNER_PID (the
#                            runner's own pid, also in RUNNER_PIDS) and logs it.
#   wait_runners PID TAG [PID TAG...]
#                            waits until these runners have ended (looking every 0.2 s), reaps
#                            each, appends "TAG STATUS EPOCH" to W/exits.txt and logs it.
#   reaped PID               drops a runner that has been waited for from RUNNER_PIDS.
#   now                      the time (epoch seconds, with nanoseconds).
#   log MESSAGE              prints "[  SECONDS s] MESSAGE", seconds since START_EPOCH.
#   nap SECONDS              sleep that a trapped signal interrupts.
#   die REASON               FAIL_REASON=REASON, exit 1 (cleanup prints it).
#   cleanup                  the EXIT trap: the watchdog, the runners still in RUNNER_PIDS (TERM,
#                            5 s, KILL), W/server.log copied and the server stopped, the lab down,
#                            W/metatune removed unless KEEP_BIN=1; if VERIFIED is still 0 (the caller
#                            sets 1 just before its checks), "ME: FAIL: REASON" (and with --json a
#                            FAIL file) and exit 1; "work folder: W" in any case.

LAB=$ROOT/scripts/netns-lab.sh
PG=$ROOT/scripts/postgres-server.sh

parse_args() {
    JSON_OUT=""
    KEEP_BIN=0
    BIN_ARG=""
    while [ $# -gt 0 ]; do
        case "$1" in
            --json) [ $# -ge 2 ] || { echo "$ME: --json needs a file" >&2; exit 2; }; JSON_OUT=$2; shift 2 ;;
            --json=*) JSON_OUT=${1#*=}; shift ;;
            --bin) [ $# -ge 2 ] || { echo "$ME: --bin needs a path" >&2; exit 2; }; BIN_ARG=$2; shift 2 ;;
            --bin=*) BIN_ARG=${1#*=}; shift ;;
            --keep) KEEP_BIN=1; shift ;;
            -h|--help) sed -n '2,/^set -uo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
            *) if [ -z "$BIN_ARG" ] && [ -x "$1" ]; then BIN_ARG=$1; shift
               else echo "$ME: unknown argument: $1 (see --help)" >&2; exit 2; fi ;;
        esac
    done
    SRC_BIN=${BIN_ARG:-${METATUNE_BIN:-$ROOT/.build/release/metatune}}
    case "$JSON_OUT" in ""|/*) ;; *) JSON_OUT=$(pwd)/$JSON_OUT ;; esac
}

check_prerequisites() {
    [ "$(id -u)" -eq 0 ] || { echo "$ME: needs root (network namespaces)" >&2; exit 2; }
    [ -x "$SRC_BIN" ] || { echo "$ME: no executable metatune at $SRC_BIN" >&2; exit 2; }
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "$ME: needs $tool" >&2; exit 2; }
    done
}

now() { date +%s.%N; }
log() { printf '[%7.1f s] %s\n' "$(python3 -c "import sys; print(float(sys.argv[1]) - float(sys.argv[2]))" "$(now)" "$START_EPOCH")" "$*"; }
nap() { sleep "$1" & wait $!; }
die() { FAIL_REASON=$*; exit 1; }

# shellcheck disable=SC2317  # reached through the EXIT trap
cleanup() {
    local rc=$?
    trap - EXIT
    trap '' INT TERM ALRM      # a late alarm from the watchdog must not cut the cleanup short
    if [ -n "$WATCHDOG" ]; then
        # the watchdog first (so its sleep's end does not send the alarm), then its sleep
        local sleeper
        sleeper=$(pgrep -P "$WATCHDOG" 2>/dev/null)
        kill "$WATCHDOG" 2>/dev/null
        # shellcheck disable=SC2086
        [ -z "$sleeper" ] || kill $sleeper 2>/dev/null
    fi
    local pid
    for pid in "${RUNNER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${RUNNER_PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
    done
    if [ -n "$PGDIR" ] && [ -d "$PGDIR" ]; then
        cp "$PGDIR/server.log" "$W/server.log" 2>/dev/null
        "$PG" stop "$PGDIR" >/dev/null 2>&1 || echo "$ME: postgres-server.sh stop $PGDIR failed" >&2
    fi
    "$LAB" down "$PREFIX" >/dev/null 2>&1 || echo "$ME: netns-lab.sh down $PREFIX failed" >&2
    [ "$KEEP_BIN" -eq 1 ] || rm -f "$W/metatune"
    if [ "$VERIFIED" -eq 0 ]; then
        echo "$ME: FAIL: ${FAIL_REASON:-stopped before the checks (exit $rc)}"
        if [ -n "$JSON_OUT" ]; then
            python3 - "$JSON_OUT" "${FAIL_REASON:-stopped before the checks}" "$W" <<'EOF'
import json, sys
json.dump({"result": "FAIL", "reason": sys.argv[2], "work_dir": sys.argv[3]}, open(sys.argv[1], "w"), indent=2)
EOF
        fi
        echo "work folder: $W"
        exit 1
    fi
    echo "work folder: $W"
    exit "$rc"
}

begin_run() {
    START_EPOCH=$(date +%s.%N)
    W=$(mktemp -d -t "$1")
    chmod 755 "$W"
    PGDIR=""            # the server's folder (mktemp -d, for the postgres user to reach)
    PREFIX="$2$(printf '%05d' $((RANDOM % 100000)))$((RANDOM % 10))"
    RUNNER_PIDS=()      # the runners this script started and has not reaped yet (killed on exit by their ids)
    WATCHDOG=""
    VERIFIED=0
    FAIL_REASON=""
    trap cleanup EXIT
    trap 'FAIL_REASON="interrupted"; exit 1' INT TERM
    trap 'FAIL_REASON="time limit of ${TIME_LIMIT} s reached"; exit 1' ALRM
    ( sleep "$TIME_LIMIT"; kill -ALRM $$ 2>/dev/null ) &
    WATCHDOG=$!
    cp "$SRC_BIN" "$W/metatune" || die "cannot copy $SRC_BIN"
    MT=$W/metatune
}

# reaped PID: drops a runner that has been waited for (its pid may be reused from then on).
reaped() {
    local keep=() p
    for p in "${RUNNER_PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
    RUNNER_PIDS=("${keep[@]}")
}

lab_up() {
    local template=$1 note=" (durable)" full_url
    shift
    case " $* " in *" --fast "*) note="" ;; esac
    "$LAB" up "$PREFIX" || die "netns-lab.sh up $PREFIX failed"
    DBADDR=$("$LAB" addr "$PREFIX" db) || die "no db address"
    PGDIR=$(mktemp -d -t "$template")
    full_url=$("$LAB" exec "$PREFIX" db "$PG" start "$PGDIR" --listen "$DBADDR" "$@") || die "postgres-server.sh start failed"
    PGPORT=$(cat "$PGDIR/port")
    PGPASSWORD=$(printf '%s' "$full_url" | sed -E 's#^postgresql://[^:]+:([^@]*)@.*#\1#')
    export PGPASSWORD        # the runners' password (never on a command line)
    URL="postgresql://metatune@$DBADDR:$PGPORT/metatune?$URL_OPTS"
    log "lab $PREFIX up, PostgreSQL $(sql 'show server_version') in $PREFIX-db at $DBADDR:$PGPORT$note, storage $URL"
}

# sql QUERY: from inside the db namespace, over TCP to the lab address.
sql() {
    PGCONNECT_TIMEOUT=5 "$LAB" exec "$PREFIX" db psql -X -Atq -v ON_ERROR_STOP=1 -h "$DBADDR" -p "$PGPORT" -U metatune -d metatune -c "$1"
}

# start_runner HOST TAG ARGS...: `metatune run ARGS` in HOST's namespace as host HOST; sets RUNNER_PID.
start_runner() {
    local host=$1 tag=$2
    shift 2
    METATUNE_HOST=$host "$LAB" exec "$PREFIX" "$host" "$MT" run "$@" >"$W/$tag.out" 2>"$W/$tag.err" &
    RUNNER_PID=$!
    RUNNER_PIDS+=("$RUNNER_PID")
    # netns-lab.sh and ip netns exec exec() into metatune: the pid is the runner's own.
    for _ in $(seq 50); do
        [ "$(readlink "/proc/$RUNNER_PID/exe" 2>/dev/null)" = "$MT" ] && break
        sleep 0.1
    done
    [ "$(readlink "/proc/$RUNNER_PID/exe" 2>/dev/null)" = "$MT" ] || die "runner $tag (pid $RUNNER_PID) is not metatune"
    log "runner $tag started in $PREFIX-$host, pid $RUNNER_PID"
}

# wait_runners PID TAG [PID TAG...]: waits until each runner has ended (looking every 0.2 s),
# reaps it, notes "TAG STATUS EPOCH" in W/exits.txt and logs its exit status.
wait_runners() {
    local -A tag_of=()
    local pending=() still pid rc
    while [ $# -ge 2 ]; do
        tag_of[$1]=$2
        pending+=("$1")
        shift 2
    done
    while [ ${#pending[@]} -gt 0 ]; do
        still=()
        for pid in "${pending[@]}"; do
            if kill -0 "$pid" 2>/dev/null; then still+=("$pid"); else
                wait "$pid"; rc=$?
                reaped "$pid"
                echo "${tag_of[$pid]} $rc $(now)" >>"$W/exits.txt"
                log "runner ${tag_of[$pid]} (pid $pid) exited with status $rc"
            fi
        done
        pending=("${still[@]}")
        [ ${#pending[@]} -eq 0 ] || nap 0.2
    done
}
