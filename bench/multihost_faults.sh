#!/usr/bin/env bash
# Acceptance test: runners on two hosts share one PostgreSQL study through a runner crash, a
# server restart and a network partition, and the study ends whole.
#
# A lab of network namespaces (scripts/netns-lab.sh, PREFIX unique per run): PostgreSQL in
# PREFIX-db on its lab address (scripts/postgres-server.sh, durable: no --fast), the study
# created from w1, then one runner in PREFIX-w1 and one in PREFIX-w2, each
#   METATUNE_HOST=wK PGPASSWORD=… metatune run --storage postgresql://metatune@DB:PORT/metatune?OPTS
#       --study mh --space x.yaml (one float x in [0,1]) --trials TRIALS --concurrency CONC
#       --sampler random --heartbeat-grace GRACE --retry-failed --json
#       -- sh -c 'sleep SLEEP; echo {x}; echo "{trial_number},{x}" >> WORK/values-$METATUNE_HOST.log'
# (the value is x; the log line is written only after the value went into the runner's pipe).
# Faults, at fixed times after the runners start:
#   KILL_AT      kill -9 of the w1 runner (the metatune process, once it has running trials), reaped,
#                and the same command started again in w1 RESTART_DELAY seconds later;
#   PAUSE_AT     postgres-server.sh pause DIR PAUSE_SECONDS (fast stop, sleep, start) in PREFIX-db;
#   LINK_AT      netns-lab.sh link-down PREFIX w2, LINK_SECONDS later link-up.
# Every fault must land while the study is still short of TRIALS (else the run is invalid: FAIL).
# Afterwards, with SQL from inside PREFIX-db and `metatune study export --format json` from w1:
#   - exactly TRIALS trials, numbers 0…TRIALS-1 once each; none running, none waiting;
#   - every complete trial's value equals its x; every "number,x" a command logged is that
#     trial's x and the trial is complete with value x — or, if the trial was failed meanwhile
#     as an orphan (`heartbeat lost`), its late result is kept in system_attrs.late_result with
#     that value (counted apart); a logged value in neither place is LOST;
#   - every trial a runner printed as finished (--json) is stored in that state with that value;
#   - the trials the killed runner left running were failed as orphans (`heartbeat lost`) and,
#     with --retry-failed, each orphan's x was enqueued again (system_attrs.retry_of) and that
#     trial completed with the same x; no trial failed for another reason;
#   - every runner exited 0 (the killed one excepted: 137) and printed no crash or fatal error;
#   - the export agrees with SQL.
# Timings: wall time, each fault's time, throughput overall and per host, completions in each
# fault's window, the longest gap between two completions.
#
# Usage (as root: namespaces):
#   bench/multihost_faults.sh [--json FILE] [--bin METATUNE] [--keep]
#   env: METATUNE_BIN (default .build/release/metatune; copied into the work folder first, so a
#        rebuild during the run changes nothing), TRIALS=400 CONC=4 SLEEP=1.5 GRACE=15
#        URL_OPTS='timeout=5&retry=120' KILL_AT=10 RESTART_DELAY=3 PAUSE_AT=25 PAUSE_SECONDS=5
#        LINK_AT=40 LINK_SECONDS=20 TIME_LIMIT=600 (seconds; the whole test fails past it).
# Prints the checks and `PASS` or `FAIL` last; exit status 0 or 1 (2: cannot run). --json FILE
# writes the measured facts. The work folder (logs, trials.csv, export.json, server.log) is kept
# and named at the end (the binary's copy is removed); --keep also keeps the copy.
# Cleanup on any exit (trap): the runners (by their pids), the server (postgres-server.sh stop),
# the lab (netns-lab.sh down).
# Traffic: all to lab addresses from inside the lab (netns-lab.sh exec), never from the root
# namespace.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ME=multihost_faults
# shellcheck source=bench/multihost-common.sh
. "$ROOT/bench/multihost-common.sh"
parse_args "$@"

TRIALS=${TRIALS:-400}
CONC=${CONC:-4}
SLEEP=${SLEEP:-1.5}
GRACE=${GRACE:-15}
URL_OPTS=${URL_OPTS:-timeout=5&retry=120}
KILL_AT=${KILL_AT:-10}
RESTART_DELAY=${RESTART_DELAY:-3}
PAUSE_AT=${PAUSE_AT:-25}
PAUSE_SECONDS=${PAUSE_SECONDS:-5}
LINK_AT=${LINK_AT:-40}
LINK_SECONDS=${LINK_SECONDS:-20}
TIME_LIMIT=${TIME_LIMIT:-600}
STUDY=mh

check_prerequisites ip psql python3
begin_run metatune-multihost.XXXXXX mh

# Events for the verifier: NAME EPOCH [DETAIL...]
event() { printf '%s %s %s\n' "$1" "$(now)" "${*:2}" >>"$W/events.txt"; }

: >"$W/events.txt"
: >"$W/values-w1.log"
: >"$W/values-w2.log"
printf 'x: {type: float, low: 0.0, high: 1.0}\n' >"$W/space.yaml"

echo "== $ME $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(nproc) cores, $($MT --version 2>/dev/null), binary $SRC_BIN (copied)"
echo "   trials $TRIALS, concurrency $CONC per host, sleep $SLEEP s, grace $GRACE s, url options $URL_OPTS, lab $PREFIX"

# --- lab and server -------------------------------------------------------------------------
lab_up metatune-mhpg.XXXXXX

"$LAB" exec "$PREFIX" w1 "$MT" study create "$STUDY" --storage "$URL" >"$W/create.out" 2>&1 \
    || die "study create failed: $(cat "$W/create.out")"
log "$(cat "$W/create.out")"

# --- runners --------------------------------------------------------------------------------
# start_host_runner HOST TAG: the same command on every host (see the header); sets RUNNER_PID.
start_host_runner() {
    local host=$1 tag=$2
    start_runner "$host" "$tag" --storage "$URL" --study "$STUDY" --space "$W/space.yaml" \
        --trials "$TRIALS" --concurrency "$CONC" --sampler random --heartbeat-grace "$GRACE" --retry-failed --json \
        -- sh -c "sleep $SLEEP; echo {x}; echo \"{trial_number},{x}\" >> $W/values-\$METATUNE_HOST.log"
    echo "$tag $host $RUNNER_PID $(now)" >>"$W/runners.txt"
    event "start_$tag" "$RUNNER_PID"
}

: >"$W/runners.txt"
: >"$W/exits.txt"
RUN_START=$(now)
echo "run_start $RUN_START" >>"$W/events.txt"
start_host_runner w1 w1a; PID_W1A=$RUNNER_PID
start_host_runner w2 w2;  PID_W2=$RUNNER_PID

# at SECONDS: sleeps until SECONDS after the runners' start.
at() {
    local left
    left=$(python3 -c "import sys, time; print(max(0.0, float(sys.argv[1]) + float(sys.argv[2]) - time.time()))" "$RUN_START" "$1")
    nap "$left"
}
trial_count() { sql "SELECT trial_count FROM metatune_studies WHERE name = '$STUDY'"; }
# fault_check NAME: the study must still be short of TRIALS when a fault starts.
fault_check() {
    local n
    n=$(trial_count) || die "cannot read the study before fault $1"
    echo "$1 $n" >>"$W/fault_counts.txt"
    [ "$n" -lt "$TRIALS" ] || die "the study already held $n trials when fault $1 came: the run is too short (raise SLEEP or TRIALS)"
    log "fault $1: the study holds $n trials"
}
: >"$W/fault_counts.txt"

# (1) kill -9 of the w1 runner while it has trials running; the same command again.
at "$KILL_AT"
for _ in $(seq 50); do
    n=$(sql "SELECT count(*) FROM metatune_trials WHERE state = 'running' AND owner_host = 'w1' AND owner_pid = $PID_W1A") || n=0
    [ "$n" -gt 0 ] && break
    nap 0.2
done
[ "${n:-0}" -gt 0 ] || die "the w1 runner had no running trial to kill"
fault_check kill
kill -0 "$PID_W1A" 2>/dev/null || die "the w1 runner ended before it could be killed"
event kill_w1 "$PID_W1A"
kill -KILL "$PID_W1A"
{ wait "$PID_W1A"; } 2>/dev/null; rc=$?   # (without bash's "Killed" notice)
reaped "$PID_W1A"
echo "w1a $rc $(now)" >>"$W/exits.txt"
log "kill -9 of w1 runner (pid $PID_W1A): exit status $rc"
nap 0.5   # a statement it sent just before may still commit
sql "SELECT number, params::jsonb->>'x' FROM metatune_trials WHERE state = 'running' AND owner_pid = $PID_W1A ORDER BY number" \
    | tr '|' ' ' >"$W/killed_running.txt" || die "cannot read the killed runner's trials"
log "trials the killed runner left running: $(cut -d' ' -f1 "$W/killed_running.txt" | paste -sd ' ')"
nap "$RESTART_DELAY"
start_host_runner w1 w1b; PID_W1B=$RUNNER_PID
event restart_w1 "$PID_W1B"

# (2) the server stopped, PAUSE_SECONDS, started.
at "$PAUSE_AT"
fault_check pause
event pause_start
log "postgres-server.sh pause $PAUSE_SECONDS (in $PREFIX-db)"
"$LAB" exec "$PREFIX" db "$PG" pause "$PGDIR" "$PAUSE_SECONDS" >/dev/null || die "postgres-server.sh pause failed"
event pause_end
log "server back"

# (3) w2's link down for LINK_SECONDS.
at "$LINK_AT"
fault_check link
kill -0 "$PID_W2" 2>/dev/null || die "the w2 runner ended before the link fault"
"$LAB" link-down "$PREFIX" w2 || die "link-down failed"
event link_down
log "w2's link down"
nap 1
sql "SELECT number FROM metatune_trials WHERE state = 'running' AND owner_host = 'w2' ORDER BY number" >"$W/partition_running.txt" \
    || die "cannot read w2's trials during the partition"
log "w2's trials running in the database during the cut: $(paste -sd ' ' "$W/partition_running.txt")"
nap "$(python3 -c "print(max(0.0, $LINK_SECONDS - 1))")"
"$LAB" link-up "$PREFIX" w2 || die "link-up failed"
event link_up
log "w2's link up ($(trial_count) trials in the study)"

# --- the end of the run ---------------------------------------------------------------------
wait_runners "$PID_W1B" w1b "$PID_W2" w2
RUN_END=$(now)
echo "run_end $RUN_END" >>"$W/events.txt"

# --- what the storage holds -----------------------------------------------------------------
sql "COPY (SELECT number, state, value, fail_reason, owner_host, owner_pid, params::jsonb->>'x' AS x,
                  t.system_attrs::jsonb->>'retry_of' AS retry_of,
                  t.system_attrs::jsonb->'late_result'->>'value' AS late_value,
                  t.system_attrs::jsonb->'late_result'->>'state' AS late_state,
                  t.system_attrs::jsonb->'late_result'->>'at' AS late_at,
                  started_at, completed_at, heartbeat_at
           FROM metatune_trials t JOIN metatune_studies s ON s.id = t.study_id WHERE s.name = '$STUDY' ORDER BY number)
     TO STDOUT WITH CSV HEADER" >"$W/trials.csv" || die "cannot export the trials with SQL"
sql "SELECT count(*), count(DISTINCT number), min(number), max(number) FROM metatune_trials" >"$W/sql_counts.txt"
sql "SELECT state, count(*) FROM metatune_trials GROUP BY state ORDER BY state" >"$W/sql_states.txt"
sql "SELECT trial_count FROM metatune_studies WHERE name = '$STUDY'" >"$W/sql_trial_count.txt"
"$LAB" exec "$PREFIX" w1 "$MT" study export "$STUDY" --storage "$URL" --format json --output "$W/export.json" 2>"$W/export.err" \
    || echo "export failed: $(cat "$W/export.err")" >&2
"$LAB" exec "$PREFIX" w1 "$MT" study show "$STUDY" --storage "$URL" >"$W/show.txt" 2>&1
cp "$PGDIR/server.log" "$W/server.log" 2>/dev/null

# --- checks ---------------------------------------------------------------------------------
cat >"$W/verify.py" <<'EOF'
import csv, json, math, os, re, sys

W, TRIALS, JSON_OUT = sys.argv[1], int(sys.argv[2]), sys.argv[3]
conf = json.loads(sys.argv[4])
checks = []          # (name, ok, detail)
def check(name, ok, detail=""):
    checks.append((name, bool(ok), detail))

def read_lines(name):
    path = os.path.join(W, name)
    return [l.rstrip("\n") for l in open(path)] if os.path.exists(path) else []

events = {}
for line in read_lines("events.txt"):
    parts = line.split()
    events.setdefault(parts[0], (float(parts[1]), parts[2:]))
t0 = events["run_start"][0]
rel = lambda t: round(t - t0, 2)

rows = list(csv.DictReader(open(os.path.join(W, "trials.csv"))))
num = lambda s: float(s) if s not in (None, "") else None
for r in rows:
    r["number"] = int(r["number"])
    for k in ("value", "x", "late_value", "late_at", "started_at", "completed_at", "heartbeat_at"):
        r[k] = num(r[k])
    r["retry_of"] = int(float(r["retry_of"])) if r["retry_of"] else None
by_number = {r["number"]: r for r in rows}
same = lambda a, b: a is not None and b is not None and abs(a - b) <= 1e-12 * max(1.0, abs(a))

# 1. exactly TRIALS trials numbered 0..TRIALS-1, nothing running or waiting
numbers = [r["number"] for r in rows]
states = {}
for r in rows:
    states[r["state"]] = states.get(r["state"], 0) + 1
check("trials 0..%d once each" % (TRIALS - 1),
      len(rows) == TRIALS and len(set(numbers)) == TRIALS and min(numbers, default=-1) == 0 and max(numbers, default=-1) == TRIALS - 1,
      "count %d, distinct %d, min %s, max %s" % (len(rows), len(set(numbers)), min(numbers, default=None), max(numbers, default=None)))
check("none running or waiting", states.get("running", 0) == 0 and states.get("waiting", 0) == 0,
      ", ".join("%s %d" % kv for kv in sorted(states.items())))

# 2. values: complete trials hold their x; every logged value is stored
bad_complete = [r["number"] for r in rows if r["state"] == "complete" and not same(r["value"], r["x"])]
check("every complete trial's value is its x", not bad_complete, "mismatches: %s" % bad_complete[:10] if bad_complete else "")
logged, late_kept, lost, wrong_x = 0, [], [], []
logged_numbers = set()
for host in ("w1", "w2"):
    for line in read_lines("values-%s.log" % host):
        if not line.strip():
            continue
        n_s, x_s = line.split(",", 1)
        n, x = int(n_s), float(x_s)
        logged += 1
        logged_numbers.add(n)
        r = by_number.get(n)
        if r is None or not same(r["x"], x):
            wrong_x.append((host, n, x)); continue
        if r["state"] == "complete" and same(r["value"], x):
            continue
        if r["state"] == "failed" and same(r["late_value"], x):
            late_kept.append({"number": n, "host": host, "fail_reason": r["fail_reason"], "late_state": r["late_state"]})
            continue
        lost.append({"number": n, "host": host, "x": x, "state": r["state"], "value": r["value"], "fail_reason": r["fail_reason"]})
check("every value a command printed is stored (complete, or kept as late_result of a trial failed meanwhile)",
      not lost and not wrong_x,
      "%d printed: %d complete with it, %d late results kept, %d lost%s" % (
          logged, logged - len(late_kept) - len(lost) - len(wrong_x), len(late_kept), len(lost) + len(wrong_x),
          ("; lost: %s" % (lost + wrong_x)[:10]) if lost or wrong_x else ""))
complete_unlogged = [r["number"] for r in rows if r["state"] == "complete" and r["number"] not in logged_numbers]

# 3. what each runner printed (--json) is what is stored
runner_mismatch, runner_lines = [], {}
for tag in ("w1a", "w1b", "w2"):
    count = 0
    for line in read_lines("%s.out" % tag):
        try:
            t = json.loads(line)
        except ValueError:
            continue
        count += 1
        r = by_number.get(t["number"])
        if r is None or r["state"] != t["state"] or (t["state"] == "complete" and not same(r["value"], t.get("value"))):
            runner_mismatch.append((tag, t["number"], t["state"]))
    runner_lines[tag] = count
check("every trial a runner reported finished is stored so", not runner_mismatch,
      "reported: %s%s" % (runner_lines, ("; mismatches %s" % runner_mismatch[:10]) if runner_mismatch else ""))

# 4. orphans: the killed runner's running trials failed as orphans and retried
orphan_re = re.compile(r"orphan|heartbeat", re.I)
killed = []
for line in read_lines("killed_running.txt"):
    if line.strip():
        n, x = line.split()
        killed.append((int(n), float(x) if x not in ("", "None") else None))
retries_of = {}
for r in rows:
    if r["retry_of"] is not None:
        retries_of.setdefault(r["retry_of"], []).append(r)
def retried_ok(r):
    return [q["number"] for q in retries_of.get(r["number"], []) if q["state"] == "complete" and same(q["x"], r["x"])]
killed_report, killed_ok = [], bool(killed)
for n, x in killed:
    r = by_number.get(n)
    ok_fail = r is not None and r["state"] == "failed" and orphan_re.search(r["fail_reason"] or "")
    done = retried_ok(r) if r else []
    killed_ok = killed_ok and bool(ok_fail) and bool(done)
    killed_report.append({"number": n, "state": r and r["state"], "fail_reason": r and r["fail_reason"],
                          "failed_at_s": rel(r["completed_at"]) if r and r["completed_at"] else None,
                          "retried_as": [q["number"] for q in retries_of.get(n, [])], "retry_complete": done})
check("the killed runner's running trials were failed as orphans and their x re-run to completion", killed_ok,
      "; ".join("#%d %s (%s) at %s s -> retry %s complete %s" % (k["number"], k["state"], k["fail_reason"], k["failed_at_s"],
                                                             k["retried_as"], k["retry_complete"]) for k in killed_report) or "none found")
failed = [r for r in rows if r["state"] == "failed"]
other_failures = [(r["number"], r["fail_reason"]) for r in failed if not orphan_re.search(r["fail_reason"] or "")]
check("no trial failed for another reason than a lost heartbeat", not other_failures, str(other_failures[:10]) if other_failures else "")
orphans = [r for r in failed if orphan_re.search(r["fail_reason"] or "")]
unretried = [r["number"] for r in orphans if not retried_ok(r)]
check("every orphan's x was enqueued again and completed (--retry-failed)", not unretried,
      "%d orphans%s" % (len(orphans), ("; not re-run: %s" % unretried) if unretried else ""))
partition = [int(l) for l in read_lines("partition_running.txt") if l.strip()]
partition_report = []
for n in partition:
    r = by_number.get(n)
    partition_report.append({"number": n, "state": r and r["state"], "fail_reason": r and r["fail_reason"],
                             "finished_at_s": rel(r["completed_at"]) if r and r["completed_at"] else None,
                             "late_result": r and r["late_state"],
                             "late_result_produced_at_s": rel(r["late_at"]) if r and r["late_at"] else None, "retried_as": [q["number"] for q in retries_of.get(n, [])],
                             "retry_complete": retried_ok(r) if r else []})

# 5. runners: exit statuses and crash messages
exits = {}
for line in read_lines("exits.txt"):
    tag, rc, t = line.split()
    exits[tag] = {"status": int(rc), "at_s": rel(float(t))}
crash_re = re.compile(r"fatal|crash|segmentation|illegal instruction|panic|backtrace|abort|core dumped|stack dump", re.I)
crashes = {}
errors = {}
for tag in ("w1a", "w1b", "w2"):
    text = "\n".join(read_lines("%s.err" % tag))
    hits = [l for l in text.splitlines() if crash_re.search(l)]
    if hits:
        crashes[tag] = hits[:5]
    errs = [l for l in text.splitlines() if l.startswith("error")]
    if errs:
        errors[tag] = errs[:5]
# orphans each runner reported failing when it started ("trial N was left running by a dead worker")
recovered_at_start = {}
for tag in ("w1a", "w1b", "w2"):
    found = [int(m.group(1)) for m in re.finditer(r"trial (\d+) was left running by a dead worker", "\n".join(read_lines("%s.err" % tag)))]
    if found:
        recovered_at_start[tag] = found
exit_ok = exits.get("w1a", {}).get("status") == 137 and exits.get("w1b", {}).get("status") == 0 and exits.get("w2", {}).get("status") == 0
check("runners exited 0 (the killed one 137)", exit_ok,
      ", ".join("%s %s at %s s" % (k, v["status"], v["at_s"]) for k, v in sorted(exits.items()))
      + ("; errors: %s" % errors if errors else ""))
check("no crash or fatal error printed", not crashes, str(crashes) if crashes else "")

# 6. the export agrees with SQL
try:
    export = json.load(open(os.path.join(W, "export.json")))
    ex = {t["number"]: t for t in export["trials"]}
    disagree = [n for n, r in by_number.items() if n not in ex or ex[n]["state"] != r["state"]
                or (r["state"] == "complete" and not same(ex[n].get("value"), r["value"]))]
    check("study export --format json agrees with SQL", len(ex) == len(rows) and not disagree,
          "%d trials exported%s" % (len(ex), ("; disagree: %s" % disagree[:10]) if disagree else ""))
except Exception as e:
    check("study export --format json agrees with SQL", False, "export unreadable: %s" % e)

# 7. faults landed while the run was going on
counts = {}
for line in read_lines("fault_counts.txt"):
    k, v = line.split()
    counts[k] = int(v)
check("every fault came while the study was short of its total",
      all(k in counts and counts[k] < TRIALS for k in ("kill", "pause", "link")), str(counts))

# --- timings ---
complete = sorted(r["completed_at"] for r in rows if r["state"] == "complete" and r["completed_at"])
starts = sorted(r["started_at"] for r in rows if r["started_at"])
run_end = events["run_end"][0]
wall = run_end - t0
def completions(a, b, host=None):
    return sum(1 for r in rows if r["state"] == "complete" and r["completed_at"] and a <= r["completed_at"] < b
               and (host is None or r["owner_host"] == host))
gaps = [(b - a, a) for a, b in zip(complete, complete[1:])]
longest = max(gaps, default=(0.0, t0))
windows = {
    "kill_restart": (events["kill_w1"][0], events["restart_w1"][0]),
    "pause": (events["pause_start"][0], events["pause_end"][0]),
    "link_down": (events["link_down"][0], events["link_up"][0]),
}
per_host = {}
for r in rows:
    if r["state"] == "complete":
        h = r["owner_host"] or "?"
        per_host[h] = per_host.get(h, 0) + 1
span = (complete[-1] - starts[0]) if complete and starts else 0
ideal = TRIALS * conf["sleep"] / (2 * conf["concurrency"])
facts = {
    "result": "PASS" if all(ok for _, ok, _ in checks) else "FAIL",
    "config": conf,
    "checks": [{"name": n, "ok": ok, "detail": d} for n, ok, d in checks],
    "trials": {"count": len(rows), "distinct_numbers": len(set(numbers)), "min": min(numbers, default=None),
               "max": max(numbers, default=None), "by_state": states, "complete_by_host": per_host},
    "values": {"printed": logged, "late_results_kept": late_kept, "lost": lost + [dict(zip(("host", "number", "x"), w)) for w in wrong_x],
               "complete_without_log_line": complete_unlogged},
    "orphans": {"killed_runner": killed_report, "partition_w2": partition_report,
                "all_orphans": [{"number": r["number"], "owner_host": r["owner_host"], "failed_at_s": rel(r["completed_at"])}
                                for r in orphans]},
    "runners": {"exits": exits, "orphans_failed_at_start": recovered_at_start, "errors": errors, "crash_lines": crashes, "json_lines": runner_lines},
    "timings": {
        "wall_s": round(wall, 2),
        "study_span_s": round(span, 2),
        "ideal_s": round(ideal, 2),
        "throughput_complete_per_s": round(len(complete) / span, 3) if span else None,
        "events_s": {k: rel(v[0]) for k, v in events.items()},
        "fault_windows": {k: {"from_s": rel(a), "to_s": rel(b), "seconds": round(b - a, 2), "completions": completions(a, b),
                              "completions_w1": completions(a, b, "w1"), "completions_w2": completions(a, b, "w2")}
                          for k, (a, b) in windows.items()},
        "longest_gap_between_completions_s": round(longest[0], 2), "longest_gap_starts_at_s": rel(longest[1]),
    },
    "work_dir": W,
}
for name, ok, detail in checks:
    print("%s  %s%s" % ("ok  " if ok else "FAIL", name, (": " + detail) if detail else ""))
tm = facts["timings"]
print("timings: wall %.1f s (runners' start to the last exit), study span %.1f s (ideal %.1f s without faults), %.2f complete trials/s"
      % (tm["wall_s"], tm["study_span_s"], tm["ideal_s"], tm["throughput_complete_per_s"] or 0))
print("events (s after the runners' start): " + ", ".join("%s %.1f" % (k, v) for k, v in sorted(tm["events_s"].items(), key=lambda kv: kv[1])))
for k, v in tm["fault_windows"].items():
    print("  %-13s %6.1f–%6.1f s (%.1f s): %d completions (w1 %d, w2 %d)" % (k, v["from_s"], v["to_s"], v["seconds"], v["completions"],
                                                                       v["completions_w1"], v["completions_w2"]))
print("  longest gap between two completions: %.1f s from %.1f s" % (tm["longest_gap_between_completions_s"], tm["longest_gap_starts_at_s"]))
print("trials: %s; complete by host %s" % (", ".join("%s %d" % kv for kv in sorted(states.items())), per_host))
if partition_report:
    def describe(p):
        if p["state"] != "failed":
            return "#%d %s (finished at %s s)" % (p["number"], p["state"], p["finished_at_s"])
        return "#%d failed (%s) at %s s, late result %s (value produced at %s s), retry %s" % (
            p["number"], p["fail_reason"], p["finished_at_s"], p["late_result"], p["late_result_produced_at_s"], p["retry_complete"])
    print("w2's trials running during the cut: " + "; ".join(describe(p) for p in partition_report))
if recovered_at_start:
    print("orphans failed by a runner as it started: %s" % recovered_at_start)
if JSON_OUT:
    json.dump(facts, open(JSON_OUT, "w"), indent=2)
print(facts["result"])
sys.exit(0 if facts["result"] == "PASS" else 1)
EOF
CONF=$(python3 -c 'import json, sys; a = sys.argv; print(json.dumps({"trials": int(a[1]), "concurrency": int(a[2]), "sleep": float(a[3]),
    "heartbeat_grace": float(a[4]), "url_options": a[5], "kill_at": float(a[6]), "restart_delay": float(a[7]), "pause_at": float(a[8]),
    "pause_seconds": float(a[9]), "link_at": float(a[10]), "link_seconds": float(a[11]), "lab": a[12], "binary": a[13],
    "version": a[14]}))' "$TRIALS" "$CONC" "$SLEEP" "$GRACE" "$URL_OPTS" "$KILL_AT" "$RESTART_DELAY" "$PAUSE_AT" "$PAUSE_SECONDS" \
    "$LINK_AT" "$LINK_SECONDS" "$PREFIX" "$SRC_BIN" "$("$MT" --version 2>/dev/null)")
echo "== checks"
VERIFIED=1
python3 "$W/verify.py" "$W" "$TRIALS" "$JSON_OUT" "$CONF"
exit $?
