#!/usr/bin/env bash
# Checks the dashboard's JSON API against docs/dashboard-openapi.yaml with Schemathesis, end to end:
# makes a few studies in a temporary SQLite file with the given binary (a float study of 30
# trials, one of mixed float/int/categorical parameters with learning curves, one whose trials all
# fail, one with a single trial so importance answers 422, one whose name needs percent-encoding),
# starts `metatune dashboard` on 127.0.0.1 port 0, runs `schemathesis run` with all of its checks
# (examples, coverage, fuzzing and stateful phases), then a second, smaller run against a dashboard
# started with --token (every request carrying it), then a few direct curl checks the schema cannot
# express (HEAD, a study name that needs percent-encoding). Everything stays on loopback.
#
#   usage: bench/dashboard_schemathesis.sh [METATUNE_BINARY] [MAX_EXAMPLES]
#          (default .build/release/metatune, 100 examples per operation and phase)
#   env:   SCHEMATHESIS_VENV (default ~/.cache/metatune-schemathesis-venv), SEED (default 1),
#          KEEP=1 keeps the temporary folder (logs, reports, the SQLite file).
#
# The venv is made on first use by bench/python-venv.sh (pinned Schemathesis and
# openapi-spec-validator, outside the repository). Exit status 0 only when the spec validates, both
# Schemathesis runs pass and every direct check passes; the summary says which failed.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/.build/release/metatune}
EXAMPLES=${2:-100}
SEED=${SEED:-1}
SPEC=$ROOT/docs/dashboard-openapi.yaml
[ -x "$BIN" ] || { echo "dashboard_schemathesis: no executable binary at $BIN" >&2; exit 2; }
[ -f "$SPEC" ] || { echo "dashboard_schemathesis: no $SPEC" >&2; exit 2; }

VENV=$("$ROOT/bench/python-venv.sh" "${SCHEMATHESIS_VENV:-$HOME/.cache/metatune-schemathesis-venv}" \
    schemathesis==4.32.5 openapi-spec-validator==0.9.0) || exit 2

T=$(mktemp -d -t metatune-dashboard-st.XXXXXX)
SERVER_PIDS=()
cleanup() {
    for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    if [ -n "${KEEP:-}" ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp "$BIN" "$T/metatune"          # the binary under test does not change if the original is rebuilt
MT=$T/metatune
DB=sqlite:$T/db.sqlite
FAILED=()

echo "== versions"
"$MT" --version
"$VENV/bin/schemathesis" --version
echo "wrote to $T"

echo "== spec"
if "$VENV/bin/python" -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$SPEC" \
    && "$VENV/bin/openapi-spec-validator" "$SPEC"; then :; else FAILED+=("spec does not validate"); fi

echo "== studies"
cd "$T"
printf 'x: {type: float, low: 0, high: 1}\n' > space.yaml
printf 'x: {type: float, low: 0, high: 1}\nn: {type: int, low: 1, high: 5}\nc: {type: categorical, choices: [a, 1, true, 2.5]}\n' > mixed.yaml
"$MT" run --quiet --study s --space space.yaml --trials 30 --storage "$DB" -- awk 'BEGIN { print 10 * {x} }' >/dev/null
"$MT" run --quiet --study mixed --space mixed.yaml --trials 12 --storage "$DB" -- \
    /bin/sh -c 'echo "{\"step\": 0, \"value\": {x}}"; echo "{\"step\": 1, \"value\": {n}}"; echo {x}' >/dev/null
"$MT" run --quiet --study fails --space space.yaml --trials 2 --storage "$DB" -- \
    /bin/sh -c 'echo "boom {x}" >&2; exit 3' >/dev/null 2>&1    # no trial completes: exit 1 expected
"$MT" run --quiet --study few --space space.yaml --trials 1 --storage "$DB" -- awk 'BEGIN { print {x} }' >/dev/null
"$MT" run --quiet --study "my study" --space space.yaml --trials 3 --storage "$DB" -- awk 'BEGIN { print {x} }' >/dev/null
"$MT" study list --storage "$DB"

# Starts a dashboard (extra arguments passed on) and sets URL to its address, without the query.
start_dashboard() {
    local out=$T/dashboard.$#.$RANDOM.out
    "$MT" dashboard --storage "$DB" --host 127.0.0.1 --port 0 "$@" > "$out" 2>&1 &
    SERVER_PIDS+=($!)
    URL=""
    for _ in $(seq 100); do
        URL=$(grep -o 'http://[^ ?]*' "$out" | head -1 | sed 's:/$::')
        [ -n "$URL" ] && return 0
        sleep 0.1
    done
    echo "dashboard did not start:" >&2; cat "$out" >&2; exit 1
}

# Schemathesis's own settings for a response it cannot know is right: importance on a study with
# too few complete trials is a valid request that gets the documented 422.
cat > schemathesis.toml <<'EOF'
[[operations]]
include-operation-id = "getImportance"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 422]
EOF

run_schemathesis() {   # NAME EXAMPLES [extra schemathesis arguments]
    local name=$1 examples=$2; shift 2
    echo "== schemathesis ($name): $examples examples, seed $SEED, against $URL"
    "$VENV/bin/schemathesis" --config-file "$T/schemathesis.toml" run "$SPEC" --url "$URL" \
        --checks all --max-examples "$examples" --seed "$SEED" --no-color --generation-database none \
        --report junit --report-dir "$T/report-$name" "$@" > "$T/schemathesis-$name.log" 2>&1
    local rc=$?
    # The failures (one block per distinct failure, with a curl line to reproduce it), then the summary.
    sed -n '/^=* FAILURES =*$/,$p' "$T/schemathesis-$name.log" | grep -E '^(_{3,}|- ST|    [A-Z].*returned|    curl )' | head -80
    sed -n '/^=* SUMMARY =*$/,$p' "$T/schemathesis-$name.log"
    [ $rc -eq 0 ] || FAILED+=("schemathesis ($name) exit $rc")
}

start_dashboard
OPEN_URL=$URL
run_schemathesis open "$EXAMPLES"

TOKEN=dashboard-schemathesis-token-0123456789
start_dashboard --token "$TOKEN"
run_schemathesis token "$(( (EXAMPLES + 1) / 2 ))" -H "Authorization: Bearer $TOKEN"
echo "-- without the token: $(curl -s -o /dev/null -w '%{http_code}' "$URL/api/studies") (expected 401)"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/studies")" = 401 ] || FAILED+=("token dashboard answered without the token")

echo "== direct checks on $OPEN_URL"
check() {   # WHAT EXPECTED_STATUS CURL_ARGS...
    local what=$1 expected=$2; shift 2
    local got
    got=$(curl -s -o "$T/body" -w '%{http_code}' "$@")
    if [ "$got" = "$expected" ]; then echo "ok   $what: $got"
    else echo "FAIL $what: $got, expected $expected ($(head -c 100 "$T/body" | tr '\n' ' '))"; FAILED+=("$what: $got, expected $expected"); fi
}
check "HEAD /api/studies"                    200 -I "$OPEN_URL/api/studies"
check "HEAD /api/studies/s"                  200 -I "$OPEN_URL/api/studies/s"
check "HEAD / (the server says GET and HEAD are answered)" 200 -I "$OPEN_URL/"
check "GET /api/studies/my%20study (a study named 'my study')" 200 "$OPEN_URL/api/studies/my%20study"
check "GET /studies/my%20study (the link the study list page gives)" 200 "$OPEN_URL/studies/my%20study"
check "GET /api/studies/few/importance (1 trial)" 422 "$OPEN_URL/api/studies/few/importance"
check "GET /api/studies/s/trials?after=-1"   400 "$OPEN_URL/api/studies/s/trials?after=-1"
if curl -s -X DELETE -D - -o /dev/null "$OPEN_URL/api/studies/s" | grep -qi '^allow:'; then echo "ok   405 carries Allow"
else echo "FAIL DELETE /api/studies/s: 405 without an Allow header (RFC 9110 requires one)"; FAILED+=("405 without Allow"); fi

echo "== result"
if [ ${#FAILED[@]} -eq 0 ]; then echo "all passed"; exit 0; fi
printf 'failed: %s\n' "${FAILED[@]}"
exit 1
