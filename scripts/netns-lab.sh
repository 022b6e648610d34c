#!/usr/bin/env bash
# A lab of network namespaces for multi-host fault tests: a database host and workers on a
# private switch that exists only between them. Needs root (ip netns).
#
# Usage:
#   scripts/netns-lab.sh up PREFIX [--hosts N] [--subnet A.B.C]
#   scripts/netns-lab.sh down PREFIX
#   scripts/netns-lab.sh exec PREFIX HOST CMD [ARG...]
#   scripts/netns-lab.sh link-down PREFIX HOST
#   scripts/netns-lab.sh link-up PREFIX HOST
#   scripts/netns-lab.sh addr PREFIX HOST
#   scripts/netns-lab.sh hosts PREFIX
#   scripts/netns-lab.sh status PREFIX
#   scripts/netns-lab.sh --help
#
# up         Creates N namespaces (default 3): PREFIX-db, PREFIX-w1, PREFIX-w2, ... PREFIX-w(N-1),
#            and PREFIX-sw holding a Linux bridge (br0). Each host has `lo` up and one interface,
#            eth0, the end of a veth pair whose other end (p-HOST, e.g. p-db, p-w1) is a port of
#            br0 in PREFIX-sw. Addresses: A.B.C.1/24 for db, A.B.C.(K+1)/24 for wK; the subnet
#            (default 10.213.7, i.e. 10.213.7.0/24) exists only inside the lab: no default route,
#            no gateway, nothing in the root namespace (the veths are created inside the lab's
#            namespaces), IPv6 off on the lab's interfaces. Two labs with different PREFIXes are
#            separate networks even with the same subnet. Fails if PREFIX's namespaces exist;
#            on a failure part-way it removes what it made.
# down       Ends processes still running in the lab's namespaces (SIGTERM, then SIGKILL after
#            5 s) and deletes the namespaces. Idempotent: fine when nothing is there (use it in
#            a trap).
# exec       Runs CMD inside HOST's namespace (ip netns exec); its exit status is CMD's.
# link-down  Sets p-HOST (HOST's port on the switch) down: HOST is cut off from the others, its
#            own eth0 stays configured (shows NO-CARRIER); packets to and from it are lost.
# link-up    Sets p-HOST up again.
# addr       Prints HOST's IPv4 address (e.g. 10.213.7.1).
# hosts      Prints the lab's host names, one a line (db first).
# status     Shows namespaces, addresses and the switch ports' states.
#
# Reach lab addresses only from inside the lab (`exec`). In the root namespace the subnet is
# not local: a connection to 10.213.7.1 from there follows the machine's default route out of
# the machine. So run every client of a lab server with `exec PREFIX HOST ...`.
#
# HOST is db, w1, w2, ... PREFIX: 1-10 characters, letters, digits, _ (namespace names stay short;
# interface names inside are at most 6 characters).
#
# Example (see docs/RELIABILITY.md):
#   trap 'scripts/netns-lab.sh down t1' EXIT
#   scripts/netns-lab.sh up t1
#   scripts/netns-lab.sh exec t1 w1 ping -c1 -W1 "$(scripts/netns-lab.sh addr t1 db)"
set -euo pipefail

ME=netns-lab.sh
DEFAULT_HOSTS=3
DEFAULT_SUBNET=10.213.7
BRIDGE=br0
HOST_IF=eth0

SCRIPT_PATH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
usage() { sed -n '2,/^set -euo/p' "$SCRIPT_PATH" | sed -e '$d' -e 's/^# \{0,1\}//'; }
die() { echo "$ME: $*" >&2; exit 1; }

need_root() {
    [ "$(id -u)" -eq 0 ] || die "needs root (ip netns); run as root"
    command -v ip >/dev/null 2>&1 || die "the ip command (iproute2) is missing: apt-get install -y iproute2"
}

check_prefix() {
    [[ "$1" =~ ^[A-Za-z0-9_]{1,10}$ ]] || die "bad PREFIX: '$1' (1-10 letters, digits or _)"
}

check_host() {
    [[ "$1" =~ ^(db|w[1-9][0-9]*)$ ]] || die "bad HOST: '$1' (db, w1, w2, ...)"
}

ns_exists() { [ -e "/run/netns/$1" ]; }

# lab_namespaces PREFIX: the lab's namespaces that exist, switch last.
lab_namespaces() {
    local name sw=""
    while read -r name _; do
        if [[ "$name" =~ ^$1-(db|w[0-9]+)$ ]]; then
            echo "$name"
        elif [ "$name" = "$1-sw" ]; then
            sw=$name
        fi
    done < <(ip netns list 2>/dev/null)
    if [ -n "$sw" ]; then echo "$sw"; fi
}

# lab_hosts PREFIX: db, then w1, w2, ... in order.
lab_hosts() {
    local ns
    lab_namespaces "$1" | while read -r ns; do
        if [ "$ns" != "$1-sw" ]; then echo "${ns#"$1"-}"; fi
    done | sort -V    # "db" sorts before "w1", and w2 before w10
}

need_lab_host() {   # need_lab_host PREFIX HOST
    check_prefix "$1"
    check_host "$2"
    ns_exists "$1-$2" || die "no namespace $1-$2 (is the lab up? hosts: $(lab_hosts "$1" | paste -sd ' '))"
}

host_address() {   # host_address SUBNET HOST
    case "$2" in
        db) echo "$1.1" ;;
        w*) echo "$1.$(( ${2#w} + 1 ))" ;;
    esac
}

# sysctl inside a namespace; best effort (a read-only /proc/sys only costs the IPv6 switch-off).
ns_sysctl() {
    local ns=$1
    shift
    ip netns exec "$ns" sysctl -q -w "$@" >/dev/null 2>&1 || true
}

undo_up() {   # EXIT trap of a failing `up`
    local rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "$ME: up failed; removing the namespaces of $1" >&2
        cmd_down "$1" >/dev/null 2>&1 || true
    fi
    exit "$rc"
}

cmd_up() {
    local prefix="" hosts=$DEFAULT_HOSTS subnet=$DEFAULT_SUBNET
    while [ $# -gt 0 ]; do
        case "$1" in
            --hosts) [ $# -ge 2 ] || die "--hosts needs a value"; hosts=$2; shift 2 ;;
            --hosts=*) hosts=${1#*=}; shift ;;
            --subnet) [ $# -ge 2 ] || die "--subnet needs a value"; subnet=$2; shift 2 ;;
            --subnet=*) subnet=${1#*=}; shift ;;
            -*) die "up: unknown option: $1" ;;
            *) [ -z "$prefix" ] || die "up: unexpected argument: $1"; prefix=$1; shift ;;
        esac
    done
    [ -n "$prefix" ] || die "up: PREFIX is missing"
    check_prefix "$prefix"
    [[ "$hosts" =~ ^[0-9]+$ ]] && [ "$hosts" -ge 2 ] && [ "$hosts" -le 100 ] \
        || die "--hosts must be 2..100 (db and at least one worker)"
    [[ "$subnet" =~ ^(10\.[0-9]{1,3}\.[0-9]{1,3}|192\.168\.[0-9]{1,3}|172\.(1[6-9]|2[0-9]|3[01])\.[0-9]{1,3})$ ]] \
        || die "--subnet must be the first three numbers of a private /24, e.g. 10.213.7"
    if [ -n "$(lab_namespaces "$prefix")" ]; then
        die "namespaces of $prefix exist already ($(lab_namespaces "$prefix" | paste -sd ' ')); run: $0 down $prefix"
    fi

    local names=(db) k
    for ((k = 1; k < hosts; k++)); do names+=("w$k"); done

    # On any failure from here on, remove what was made.
    # shellcheck disable=SC2064
    trap "undo_up $(printf '%q' "$prefix")" EXIT

    local sw="$prefix-sw"
    ip netns add "$sw"
    ip -n "$sw" link set lo up
    ns_sysctl "$sw" net.ipv6.conf.default.disable_ipv6=1
    ip -n "$sw" link add "$BRIDGE" type bridge stp_state 0
    ip -n "$sw" link set "$BRIDGE" up

    local h ns
    for h in "${names[@]}"; do
        ns="$prefix-$h"
        ip netns add "$ns"
        ip -n "$ns" link set lo up
        ns_sysctl "$ns" net.ipv6.conf.default.disable_ipv6=1
        # Both ends are created inside the lab: p-HOST in the switch, eth0 in the host.
        ip -n "$sw" link add "p-$h" type veth peer name "$HOST_IF" netns "$ns"
        ip -n "$sw" link set "p-$h" master "$BRIDGE"
        ip -n "$sw" link set "p-$h" up
        ip -n "$ns" addr add "$(host_address "$subnet" "$h")/24" dev "$HOST_IF"
        ip -n "$ns" link set "$HOST_IF" up
    done
    trap - EXIT
}

# end_processes NS: SIGTERM to what runs in NS, SIGKILL after 5 s to what is left.
end_processes() {
    local ns=$1 pids i
    pids=$(ip netns pids "$ns" 2>/dev/null | paste -sd ' ')
    [ -n "${pids// /}" ] || return 0
    echo "$ME: ending processes in $ns: $pids" >&2
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        pids=$(ip netns pids "$ns" 2>/dev/null | paste -sd ' ')
        [ -n "${pids// /}" ] || return 0
        sleep 0.1
    done
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    sleep 0.2
}

cmd_down() {
    [ $# -eq 1 ] || die "down: usage: down PREFIX"
    check_prefix "$1"
    local ns
    for ns in $(lab_namespaces "$1"); do
        end_processes "$ns"
    done
    for ns in $(lab_namespaces "$1"); do
        ip netns del "$ns" 2>/dev/null || ! ns_exists "$ns" || die "could not delete namespace $ns"
    done
}

cmd_link() {   # cmd_link up|down PREFIX HOST
    local state=$1
    shift
    [ $# -eq 2 ] || die "link-$state: usage: link-$state PREFIX HOST"
    need_lab_host "$1" "$2"
    ns_exists "$1-sw" || die "no namespace $1-sw"
    ip -n "$1-sw" link set "p-$2" "$state"
}

cmd_addr() {
    [ $# -eq 2 ] || die "addr: usage: addr PREFIX HOST"
    need_lab_host "$1" "$2"
    local a
    a=$(ip -n "$1-$2" -4 -o addr show dev "$HOST_IF" 2>/dev/null | awk '{ split($4, p, "/"); print p[1]; exit }')
    [ -n "$a" ] || die "$1-$2 has no IPv4 address on $HOST_IF"
    echo "$a"
}

cmd_exec() {
    [ $# -ge 3 ] || die "exec: usage: exec PREFIX HOST CMD [ARG...]"
    local prefix=$1 host=$2
    shift 2
    if [ "$host" = sw ]; then
        check_prefix "$prefix"
        ns_exists "$prefix-sw" || die "no namespace $prefix-sw (is the lab up?)"
    else
        need_lab_host "$prefix" "$host"
    fi
    exec ip netns exec "$prefix-$host" "$@"
}

cmd_status() {
    [ $# -eq 1 ] || die "status: usage: status PREFIX"
    check_prefix "$1"
    local ns
    if [ -z "$(lab_namespaces "$1")" ]; then
        echo "no lab $1"
        return 0
    fi
    for ns in $(lab_namespaces "$1"); do
        echo "== $ns"
        ip -n "$ns" -br addr
        ip -n "$ns" route | sed 's/^/route: /'
    done
}

main() {
    case "${1:-}" in
        -h|--help|help) usage; exit 0 ;;
        "") usage >&2; exit 2 ;;
    esac
    local cmd=$1
    shift
    need_root
    case "$cmd" in
        up) cmd_up "$@" ;;
        down) cmd_down "$@" ;;
        exec) cmd_exec "$@" ;;
        link-down) cmd_link down "$@" ;;
        link-up) cmd_link up "$@" ;;
        addr) cmd_addr "$@" ;;
        hosts) [ $# -eq 1 ] || die "hosts: usage: hosts PREFIX"; check_prefix "$1"; lab_hosts "$1" ;;
        status) cmd_status "$@" ;;
        *) die "unknown command: $cmd (see --help)" ;;
    esac
}

main "$@"
