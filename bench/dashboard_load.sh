#!/usr/bin/env bash
# Load and access checks of `metatune dashboard`, all on loopback, in a temporary folder:
#
# 1. Load. Four runners write to one SQLite study `live` continuously (each trial is
#    `sh -c 'sleep 0.05; echo {x}'`), a dashboard serves it on 127.0.0.1 port 0, and wrk
#    (-t2 -c64, DURATION each, --latency, --timeout WRK_TIMEOUT) hits
#      (a)  /api/studies/live/trials?after=R, R the study's revision when the phase starts
#           (fixed for the whole phase, so the answer grows as the runners write);
#      (a') the same endpoint polled as the live page does it: each wrk thread passes the
#           revision of its previous answer as `after` (a wrk Lua script), so answers stay small;
#      (b)  /studies/live, the study page (plots redrawn whenever the revision moved).
#    The dashboard's VmRSS is sampled every second; for each phase it prints requests/s, latency
#    percentiles, non-2xx answers and socket errors, RSS at start/peak/end, and the trials the
#    runners wrote meanwhile (and, for comparison, in a quiet period before the load).
# 2. Access. A dashboard on --host 0.0.0.0 without --token (so it generates one) must answer 401
#    to every route without the token, and the expected 200/404 with it (header, query, cookie).
#    The connections go to 127.0.0.1; nothing leaves the machine.
# 3. Paths. On the loopback dashboard, traversal attempts (sent as is with curl --path-as-is)
#    must never return a file's content.
#
#   usage: bench/dashboard_load.sh [METATUNE_BINARY]   (default .build/release/metatune)
#   env:   DURATION (wrk's -d, default 30s), WRK_TIMEOUT (wrk's --timeout, default its own 2s: a
#          request slower than that counts as a socket timeout and is left out of the latencies;
#          10s shows the slow page's real latencies), QUIET_SECONDS (default 10), KEEP=1 keeps the
#          folder.
# Needs wrk and curl (apt-get install -y wrk curl) and python3 (JSON parsing only).
# Exit status 1 when an access or path check fails; load numbers are reported, not judged.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/.build/release/metatune}
DURATION=${DURATION:-30s}
WRK_TIMEOUT=${WRK_TIMEOUT:-2s}
QUIET_SECONDS=${QUIET_SECONDS:-10}
[ -x "$BIN" ] || { echo "dashboard_load: no executable binary at $BIN" >&2; exit 2; }
for tool in wrk curl python3; do
    command -v $tool >/dev/null || { echo "dashboard_load: needs $tool (apt-get install -y $tool)" >&2; exit 2; }
done

T=$(mktemp -d -t metatune-dashboard-load.XXXXXX)
PIDS=()        # every process this script started, killed on exit by its own id
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
    if [ -n "${KEEP:-}" ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp "$BIN" "$T/metatune"          # the binary under test does not change if the original is rebuilt
MT=$T/metatune
DB=sqlite:$T/db.sqlite
FAILED=()
cd "$T"

echo "== $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(nproc) cores, metatune $("$MT" --version), $(wrk -v 2>&1 | head -1)"

# Starts a dashboard with the given arguments; sets PID, PORT and the printed lines in OUT.
start_dashboard() {
    local out=$T/dashboard.$RANDOM.out
    "$MT" dashboard --storage "$DB" --port 0 "$@" > "$out" 2>&1 &
    PID=$!; PIDS+=($PID)
    PORT=""
    for _ in $(seq 100); do
        PORT=$(grep -o 'http://[^ ]*' "$out" | head -1 | sed -E 's#^http://(\[[^]]*\]|[^:/]*):([0-9]+).*#\2#')
        [ -n "$PORT" ] && break
        sleep 0.1
    done
    [ -n "$PORT" ] || { echo "dashboard did not start:" >&2; cat "$out" >&2; exit 1; }
    OUT=$(cat "$out")
}

json_field() {   # URL FIELD: a top-level field of the JSON at URL
    curl -s "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# --- 1. load -----------------------------------------------------------------------------------
printf 'x: {type: float, low: 0, high: 1}\n' > space.yaml
for i in 1 2 3 4; do
    "$MT" run --quiet --study live --space space.yaml --trials 100000 --storage "$DB" -- \
        /bin/sh -c 'sleep 0.05; echo {x}' > "runner$i.log" 2>&1 &
    PIDS+=($!)
done
for _ in $(seq 100); do      # the dashboard needs the storage to exist: wait for the study
    "$MT" study list --storage "$DB" 2>/dev/null | grep -q '^live ' && break
    sleep 0.1
done
start_dashboard --host 127.0.0.1
LOOP_PID=$PID; BASE=http://127.0.0.1:$PORT
echo "dashboard pid $LOOP_PID at $BASE; 4 runners on study 'live'"

t0=$(json_field "$BASE/api/studies/live" trials)
sleep "$QUIET_SECONDS"
t1=$(json_field "$BASE/api/studies/live" trials)
echo "quiet: the runners wrote $((t1 - t0)) trials in ${QUIET_SECONDS} s with no load ($(python3 -c "print(round(($t1 - $t0) / $QUIET_SECONDS, 1))") trials/s); dashboard RSS $(rss_kb $LOOP_PID) kB"

cat > poll.lua <<'EOF'
-- Polls like the live page: each wrk thread asks for what changed after the last revision it saw.
local revision = os.getenv("START_REVISION") or "0"
request = function()
    return wrk.format("GET", "/api/studies/live/trials?after=" .. revision)
end
response = function(status, headers, body)
    local seen = body:match('^{"revision":(%d+)')
    if seen then revision = seen end
end
EOF

SUMMARY=()
load_phase() {   # LABEL PATH [wrk arguments]
    local label=$1 path=$2; shift 2
    local log=$T/wrk-$label.log rss=$T/rss-$label.log
    local trials_before revision size_before size_after trials_after
    trials_before=$(json_field "$BASE/api/studies/live" trials)
    size_before=$(curl -s -o /dev/null -w '%{size_download}' "$BASE$path")
    : > "$rss"
    ( while kill -0 "$LOOP_PID" 2>/dev/null; do rss_kb "$LOOP_PID" >> "$rss"; sleep 1; done ) &
    local sampler=$!; PIDS+=($sampler)
    wrk -t2 -c64 -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency "$@" "$BASE$path" > "$log" 2>&1
    rss_kb "$LOOP_PID" >> "$rss"
    kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
    trials_after=$(json_field "$BASE/api/studies/live" trials)
    size_after=$(curl -s -o /dev/null -w '%{size_download}' "$BASE$path")
    echo "-- ($label) $path"
    cat "$log"
    local rps p50 p99 non2xx sockets rss_start rss_peak rss_end
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$log")
    p50=$(awk '$1 == "50%" { print $2 }' "$log"); p99=$(awk '$1 == "99%" { print $2 }' "$log")
    non2xx=$(awk -F': ' '/Non-2xx or 3xx responses/ { print $2 }' "$log"); non2xx=${non2xx:-0}
    sockets=$(grep -o 'Socket errors:.*' "$log" | sed 's/Socket errors: //'); sockets=${sockets:-none}
    rss_start=$(head -1 "$rss"); rss_end=$(tail -1 "$rss"); rss_peak=$(sort -n "$rss" | tail -1)
    SUMMARY+=("($label) $path: ${rps} req/s, p50 ${p50}, p99 ${p99}, non-2xx ${non2xx}, socket errors ${sockets}; RSS start/peak/end ${rss_start}/${rss_peak}/${rss_end} kB; trials written during the phase $((trials_after - trials_before)) (${trials_before} → ${trials_after}); answer ${size_before} → ${size_after} bytes")
}

R=$(json_field "$BASE/api/studies/live" revision)
load_phase a "/api/studies/live/trials?after=$R"
R=$(json_field "$BASE/api/studies/live" revision)
START_REVISION=$R load_phase a-poll "/api/studies/live/trials?after=$R" -s poll.lua
load_phase b "/studies/live"
echo "after the load: dashboard RSS $(rss_kb $LOOP_PID) kB, study 'live' has $(json_field "$BASE/api/studies/live" trials) trials"
for i in 1 2 3 4; do grep -i -m3 'error' "runner$i.log" && FAILED+=("runner $i printed an error"); done

# --- 2. access on a non-loopback address ----------------------------------------------------------
echo "== access: --host 0.0.0.0, no --token (connections to 127.0.0.1)"
start_dashboard --host 0.0.0.0
echo "$OUT" | sed -E 's/[0-9a-f]{64}/<64 hex digits>/g'
TOKEN=$(echo "$OUT" | sed -n 's/^token (generated, shown once): //p')
[ ${#TOKEN} -ge 16 ] || FAILED+=("no generated token printed")
OPEN=http://127.0.0.1:$PORT
check() {   # WHAT EXPECTED CURL_ARGS...
    local what=$1 expected=$2 got; shift 2
    got=$(curl -s --path-as-is -o "$T/body" -w '%{http_code}' "$@")
    if [ "$got" = "$expected" ]; then echo "ok   $what: $got"
    else echo "FAIL $what: $got, expected $expected"; FAILED+=("$what: $got, expected $expected"); fi
}
ROUTES=(/ /api/studies /studies/live "/api/studies/live/trials?after=0" /nonexistent /../../etc/passwd)
WITH=(200 200 200 200 404 404)
for i in "${!ROUTES[@]}"; do
    route=${ROUTES[$i]}
    check "no token     GET $route" 401 "$OPEN$route"
    check "wrong token  GET $route" 401 -H "Authorization: Bearer wrong-token-0123456789" "$OPEN$route"
    check "Bearer token GET $route" "${WITH[$i]}" -H "Authorization: Bearer $TOKEN" "$OPEN$route"
done
check "?token=       GET /api/studies" 200 "$OPEN/api/studies?token=$TOKEN"
check "cookie        GET /api/studies" 200 -b "metatune_token=$TOKEN" "$OPEN/api/studies"
check "no token     POST /api/studies" 401 -X POST "$OPEN/api/studies"
check "Bearer token POST /api/studies" 405 -X POST -H "Authorization: Bearer $TOKEN" "$OPEN/api/studies"
if curl -s -D - -o /dev/null "$OPEN/?token=$TOKEN" | grep -qi '^set-cookie: metatune_token=.*HttpOnly'; then echo "ok   ?token= sets an HttpOnly cookie"
else echo "FAIL ?token= sets no HttpOnly cookie"; FAILED+=("no cookie"); fi

# --- 3. paths on loopback ----------------------------------------------------------------------
echo "== paths on $BASE (curl --path-as-is)"
for path in /../../../etc/passwd /%2e%2e/%2e%2e/etc/passwd /studies/..%2f..%2fetc%2fpasswd \
            /api/studies/..%2f..%2f..%2fetc%2fpasswd /studies/live/../../../../etc/passwd; do
    status=$(curl -s --path-as-is -o "$T/body" -w '%{http_code}' "$BASE$path")
    first=$(head -c 60 "$T/body" | tr '\n' ' ')
    if grep -q 'root:' "$T/body"; then echo "FAIL $path: $status, file content: $first"; FAILED+=("$path returned file content")
    else echo "ok   $path: $status, first bytes: ${first:-(empty)}"; fi
done

echo "== summary"
printf '%s\n' "${SUMMARY[@]}"
if [ ${#FAILED[@]} -eq 0 ]; then echo "access and path checks: all passed"; exit 0; fi
printf 'failed: %s\n' "${FAILED[@]}"
exit 1
