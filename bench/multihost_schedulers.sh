#!/usr/bin/env bash
# Acceptance test: ASHA and population-based training with runners on two hosts that share one
# PostgreSQL study and one checkpoint folder (issue 19, scope 3: schedulers across hosts).
#
# A lab of network namespaces (scripts/netns-lab.sh, PREFIX unique per run): PostgreSQL in
# PREFIX-db on its lab address (scripts/postgres-server.sh --fast: no durability is tested here),
# each study created from w1, then one runner in PREFIX-w1 and one in PREFIX-w2 started together,
#   METATUNE_HOST=wK PGPASSWORD=… metatune run --storage postgresql://metatune@DB:PORT/metatune?OPTS
#       --study STUDY --space WORK/x.yaml (one float x in [0,1]) --concurrency CONC
#       --checkpoint-dir WORK/checkpoints --quiet SCHEDULER-OPTIONS
#       -- WORK/train.sh {resource} {checkpoint} {restore} {x}
# The namespaces share the file system: WORK/checkpoints is the hosts' "shared mount".
# WORK/train.sh is a training script that resumes: it reads "start score" from {restore} (if
# given), sleeps SLEEP seconds, appends "TRIAL START RESOURCE HOST" to WORK/calls.log
# (METATUNE_TRIAL, METATUNE_HOST), trains steps START…RESOURCE-1 adding 1 − (x − 0.3)² to the
# score at each (printing {"step": i, "value": score}), writes "RESOURCE score" to {checkpoint}
# and prints {"value": score}. The study minimises.
#
# Phase ASHA (study `asha`): --scheduler asha --max-resource ASHA_MAX --trials ASHA_TRIALS on
# each runner. Checks (SQL from inside PREFIX-db, WORK/calls-asha.log):
#   - both runners exited 0 and printed no crash or fatal error;
#   - exactly 2×ASHA_TRIALS trials, numbers 0…N-1 once each; none running or waiting; every
#     trial complete or pruned; at least one complete;
#   - every call of a trial starts where the trial's previous call ended (0 for the first);
#   - at least one trial was handed over: its calls came from both hosts (paused and released by
#     one runner, promoted and resumed from its checkpoint by the other); each such trial keeps
#     the system attribute asha_paused. (A runner promotes its own paused trial at once when its
#     own result makes it promotable; a hand-over needs a trial that becomes promotable through
#     the other host's result, or the other host picking in the moment between a release and the
#     pauser's own pick. With the defaults that is mostly trial 0 or 1 at the start, a race with
#     the two runners' start-up: a run with 0 hand-overs and every other check ok is that race
#     lost, not data lost. Each promotion's host is in WORK/calls-asha.log.)
#   - each stored learning curve holds steps 0…(its last call's resource − 1), no gaps.
# Phase PBT (study `pbt`, after ASHA): --scheduler pbt --trials PBT_POP --max-resource PBT_MAX
# --pbt-interval PBT_INTERVAL on each runner, same folder and script. Checks (WORK/calls-pbt.log):
#   - both runners exited 0 and printed no crash or fatal error;
#   - exactly 2×PBT_POP trials, numbers 0…N-1 once each, all complete, each curve's last step
#     PBT_MAX − 1; each trial has one fresh start (a call from 0) and both hosts started members;
#   - lineage (user attribute pbt: resource, from_trial, params, [continues_at]): at least one
#     exploit, and at least one whose donor ran on the other host (a trial's host is that of
#     its call from 0 in calls-pbt.log);
#   - each exploit's donor had a lower (better) pbt_values entry at that resource than the
#     member. An entry a later re-training through that resource overwrote (an exploit of the
#     member or donor with continues_at below it) no longer shows the ranking: such events are
#     counted as unverifiable, not as failures.
# Printed: each check (ok / FAIL), the hand-overs (trial: hosts in call order), the lineage
# (member ← donor at resource, with hosts), copies that failed (pbt_exploit_failures), wall time
# per phase (runners' start to the last exit), and `PASS` or `FAIL` last.
#
# Usage (as root: namespaces):
#   bench/multihost_schedulers.sh [--json FILE] [--bin METATUNE] [--keep]
#   env: METATUNE_BIN (default .build/release/metatune; copied into the work folder first, so a
#        rebuild during the run changes nothing), ASHA_TRIALS=18 ASHA_MAX=9 PBT_POP=6 PBT_MAX=8
#        PBT_INTERVAL=2 CONC=2 SLEEP=0.3 URL_OPTS='timeout=5&retry=120'
#        TIME_LIMIT=600 (seconds; the whole test fails past it).
# Exit status 0 (PASS) or 1 (FAIL; 2: cannot run). --json FILE writes the facts (counts, states,
# hand-overs, lineage, exit statuses, wall times). The work folder (train.sh, calls-*.log, the
# runners' output, trials-*.json as read with SQL, checkpoints/, server.log) is kept and named at
# the end (the binary's copy is removed); --keep also keeps the copy.
# Cleanup on any exit (trap): the runners (by their pids), the server (postgres-server.sh stop),
# the lab (netns-lab.sh down).
# Traffic: all to lab addresses from inside the lab (netns-lab.sh exec), never from the root
# namespace.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ME=multihost_schedulers
# shellcheck source=bench/multihost-common.sh
. "$ROOT/bench/multihost-common.sh"
parse_args "$@"

ASHA_TRIALS=${ASHA_TRIALS:-18}
ASHA_MAX=${ASHA_MAX:-9}
PBT_POP=${PBT_POP:-6}
PBT_MAX=${PBT_MAX:-8}
PBT_INTERVAL=${PBT_INTERVAL:-2}
CONC=${CONC:-2}
SLEEP=${SLEEP:-0.3}
URL_OPTS=${URL_OPTS:-timeout=5&retry=120}
TIME_LIMIT=${TIME_LIMIT:-600}

check_prerequisites ip psql python3 awk
for knob in ASHA_TRIALS ASHA_MAX PBT_POP PBT_MAX PBT_INTERVAL CONC; do
    [[ "${!knob}" =~ ^[1-9][0-9]*$ ]] || { echo "$ME: $knob must be a positive whole number (got ${!knob})" >&2; exit 2; }
done
[[ "$SLEEP" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "$ME: SLEEP must be a number of seconds (got $SLEEP)" >&2; exit 2; }

begin_run metatune-mhsched.XXXXXX ms

CKPT=$W/checkpoints
mkdir -p "$CKPT"
printf 'x: {type: float, low: 0, high: 1}\n' >"$W/x.yaml"
# The training command (see the header); SLEEP and the log's path are written into it.
cat >"$W/train.sh" <<EOF
#!/bin/sh
# \$1 resource, \$2 checkpoint to write, \$3 checkpoint to restore (empty: a fresh start), \$4 x
start=0; score=0
if [ -n "\$3" ]; then read start score < "\$3"; fi
sleep $SLEEP
echo "\$METATUNE_TRIAL \$start \$1 \$METATUNE_HOST" >> $W/calls.log
i=\$start
while [ "\$i" -lt "\$1" ]; do
  score=\$(awk "BEGIN { print \$score + 1 - (\$4 - 0.3) ^ 2 }")
  echo "{\"step\": \$i, \"value\": \$score}"
  i=\$((i + 1))
done
if [ -n "\$2" ]; then echo "\$i \$score" > "\$2"; fi
echo "{\"value\": \$score}"
EOF
chmod 755 "$W/train.sh"
: >"$W/exits.txt"
: >"$W/phases.txt"
: >"$W/commands.txt"

echo "== $ME $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(nproc) cores, $($MT --version 2>/dev/null), binary $SRC_BIN (copied)"
echo "   asha: $ASHA_TRIALS trials per host, max resource $ASHA_MAX; pbt: population $PBT_POP per host, max resource $PBT_MAX,"
echo "   interval $PBT_INTERVAL; concurrency $CONC per host, sleep $SLEEP s per call, url options $URL_OPTS, lab $PREFIX"

# --- lab and server -------------------------------------------------------------------------
lab_up metatune-mspg.XXXXXX --fast

# --- runners --------------------------------------------------------------------------------
# phase NAME ARGS...: creates study NAME from w1, runs `metatune run --study NAME ARGS` on w1 and
# w2 at once, waits for both, and keeps what the storage holds (NAME-trials.json) and the calls
# (calls-NAME.log).
phase() {
    local name=$1
    shift
    local common=(--storage "$URL" --study "$name" --space "$W/x.yaml" --concurrency "$CONC"
                  --checkpoint-dir "$CKPT" --quiet "$@"
                  -- "$W/train.sh" "{resource}" "{checkpoint}" "{restore}" "{x}")
    "$LAB" exec "$PREFIX" w1 "$MT" study create "$name" --storage "$URL" >"$W/create-$name.out" 2>&1 \
        || die "study create $name failed: $(cat "$W/create-$name.out")"
    log "phase $name: $(head -n 1 "$W/create-$name.out")"
    : >"$W/calls.log"
    local start host runners=()
    start=$(now)
    for host in w1 w2; do
        start_runner "$host" "$name-$host" "${common[@]}"
        echo "METATUNE_HOST=$host metatune run ${common[*]}" >>"$W/commands.txt"
        runners+=("$RUNNER_PID" "$name-$host")
    done
    wait_runners "${runners[@]}"
    echo "$name $start $(now)" >>"$W/phases.txt"
    mv "$W/calls.log" "$W/calls-$name.log"
    sql "SELECT coalesce(json_agg(row_to_json(r) ORDER BY r.number), '[]')
         FROM (SELECT t.number, t.state, t.value, t.fail_reason, t.owner_host, t.params::json AS params,
                      t.system_attrs::json AS system_attrs, t.user_attrs::json AS user_attrs,
                      (SELECT coalesce(json_agg(iv.step ORDER BY iv.step), '[]') FROM metatune_intermediate_values iv
                        WHERE iv.trial_id = t.id) AS steps
               FROM metatune_trials t JOIN metatune_studies s ON s.id = t.study_id WHERE s.name = '$name') r" \
        >"$W/$name-trials.json" || die "cannot read study $name with SQL"
    log "phase $name: $(sql "SELECT string_agg(state || ' ' || n, ', ' ORDER BY state) FROM (SELECT state, count(*) AS n
         FROM metatune_trials t JOIN metatune_studies s ON s.id = t.study_id WHERE s.name = '$name' GROUP BY state) c")"
}

phase asha --trials "$ASHA_TRIALS" --scheduler asha --max-resource "$ASHA_MAX"
phase pbt --trials "$PBT_POP" --scheduler pbt --max-resource "$PBT_MAX" --pbt-interval "$PBT_INTERVAL"
ls "$CKPT" >"$W/checkpoints.txt"
cp "$PGDIR/server.log" "$W/server.log" 2>/dev/null

# --- checks ---------------------------------------------------------------------------------
cat >"$W/verify.py" <<'EOF'
import json, os, re, sys

W, JSON_OUT = sys.argv[1], sys.argv[2]
conf = json.loads(sys.argv[3])
checks = []          # (phase, name, ok, detail)
def check(phase, name, ok, detail=""):
    checks.append((phase, name, bool(ok), detail))

def read_lines(name):
    path = os.path.join(W, name)
    return [l.rstrip("\n") for l in open(path)] if os.path.exists(path) else []

phases = {}
for line in read_lines("phases.txt"):
    name, a, b = line.split()
    phases[name] = (float(a), float(b))
exits = {}
for line in read_lines("exits.txt"):
    tag, rc, t = line.split()
    exits[tag] = {"status": int(rc), "at_s": round(float(t) - phases[tag.split("-")[0]][0], 2)}

crash_re = re.compile(r"fatal|crash|segmentation|illegal instruction|panic|backtrace|abort|core dumped|stack dump", re.I)
def runners(phase):
    """Both runners exited 0 and printed no crash or fatal error; the stderr lines they printed."""
    tags = ["%s-w1" % phase, "%s-w2" % phase]
    crashes, stderr = {}, {}
    for tag in tags:
        lines = [l for l in read_lines("%s.err" % tag) if l.strip()]
        if lines:
            stderr[tag] = lines[:10]
        hits = [l for l in lines if crash_re.search(l)]
        if hits:
            crashes[tag] = hits[:5]
    ok = all(exits.get(t, {}).get("status") == 0 for t in tags)
    check(phase, "both runners exited 0", ok,
          ", ".join("%s %s at %s s" % (t, exits.get(t, {}).get("status"), exits.get(t, {}).get("at_s")) for t in tags)
          + ("" if ok or not stderr else "; stderr: %s" % stderr))
    check(phase, "no crash or fatal error printed", not crashes, str(crashes) if crashes else "")
    return {t: exits.get(t) for t in tags}, stderr

def calls_of(phase):
    """(trial, start, resource, host) of every call of train.sh, in the order they began."""
    out = []
    for line in read_lines("calls-%s.log" % phase):
        f = line.split()
        if len(f) >= 3:
            out.append((int(f[0]), int(f[1]), int(f[2]), f[3] if len(f) > 3 else "?"))
    return out

def load(phase):
    rows = json.load(open(os.path.join(W, "%s-trials.json" % phase)))
    return rows, {r["number"]: r for r in rows}

def numbering(phase, rows, expected):
    numbers = [r["number"] for r in rows]
    check(phase, "exactly %d trials, numbers 0..%d once each" % (expected, expected - 1),
          sorted(numbers) == list(range(expected)),
          "count %d, distinct %d, min %s, max %s" % (len(numbers), len(set(numbers)), min(numbers, default=None), max(numbers, default=None)))
    states = {}
    for r in rows:
        states[r["state"]] = states.get(r["state"], 0) + 1
    return states

def open_phase(phase, per_host):
    """The runners' checks and the stored trials' numbering check for PHASE (2 x per_host trials
    expected): exits, stderr, rows, rows by number, the expected count, the count by state and
    that count as text."""
    exits_p, stderr_p = runners(phase)
    rows, by = load(phase)
    n = 2 * per_host
    states = numbering(phase, rows, n)
    return exits_p, stderr_p, rows, by, n, states, ", ".join("%s %d" % kv for kv in sorted(states.items()))

def count_by_host(calls):
    """How many calls each host made."""
    out = {}
    for _, _, _, host in calls:
        out[host] = out.get(host, 0) + 1
    return out

def host_runs(seq):
    """Hosts in call order, repeats in a row collapsed."""
    out = []
    for h in seq:
        if not out or out[-1] != h:
            out.append(h)
    return out

facts = {"config": conf, "work_dir": W}

# ================================ ASHA ================================
P = "asha"
exits_a, stderr_a, rows, by, N, states, state_text = open_phase(P, conf["asha_trials"])
check(P, "none running or waiting", states.get("running", 0) == 0 and states.get("waiting", 0) == 0, state_text)
others = {s: n for s, n in states.items() if s not in ("complete", "pruned")}
check(P, "every trial complete or pruned", not others, state_text)
check(P, "at least one complete", states.get("complete", 0) > 0, "%d complete" % states.get("complete", 0))

calls = calls_of(P)
reached, bad_resume, seq = {}, [], {}
for trial, start, resource, host in calls:
    if start != reached.get(trial, 0):
        bad_resume.append("#%d started at %d, its previous call ended at %d (%s)" % (trial, start, reached.get(trial, 0), host))
    reached[trial] = resource
    seq.setdefault(trial, []).append((host, start, resource))
check(P, "every call starts where the trial's previous call ended (0 first)", not bad_resume,
      "%d calls of %d trials%s" % (len(calls), len(reached), ("; " + "; ".join(bad_resume[:10])) if bad_resume else ""))

handovers = []
for trial in sorted(seq):
    hosts = host_runs([h for h, _, _ in seq[trial]])
    if len(hosts) > 1:
        r = by.get(trial, {})
        paused = (r.get("system_attrs") or {}).get("asha_paused")
        handovers.append({"trial": trial, "hosts": hosts,
                          "calls": ["%s %d→%d" % c for c in seq[trial]],
                          "state": r.get("state"), "asha_paused": paused})
check(P, "at least one trial handed over between hosts (calls from both)", len(handovers) > 0,
      "%d: %s" % (len(handovers), ", ".join("#%d %s" % (h["trial"], "→".join(h["hosts"])) for h in handovers))
      if handovers else "0: every promotion was made by the host that paused the trial (see the header)")
no_record = [h["trial"] for h in handovers if h["asha_paused"] is None]
check(P, "every handed-over trial keeps asha_paused", not no_record,
      ("missing on %s" % no_record) if no_record else "%d of %d" % (len(handovers) - len(no_record), len(handovers)))
released = [r["number"] for r in rows if "asha_paused" in (r.get("system_attrs") or {})]

gaps = []
for r in rows:
    want = list(range(reached.get(r["number"], 0)))
    if r["steps"] != want:
        gaps.append("#%d steps %s, calls reached %d" % (r["number"], r["steps"], reached.get(r["number"], 0)))
check(P, "each learning curve holds steps 0..(last resource - 1), no gaps", not gaps,
      ("; ".join(gaps[:8])) if gaps else "%d curves, %d steps stored" % (len(rows), sum(len(r["steps"]) for r in rows)))
calls_by_host = count_by_host(calls)
wall_a = phases[P][1] - phases[P][0]
facts["asha"] = {
    "trials": len(rows), "by_state": states, "calls": len(calls), "calls_by_host": calls_by_host,
    "steps_trained": sum(res - st for _, st, res, _ in calls), "steps_stored": sum(len(r["steps"]) for r in rows),
    "released_trials": len(released), "handovers": handovers, "handover_count": len(handovers),
    "exits": exits_a, "stderr": stderr_a, "wall_s": round(wall_a, 2),
}

# ================================ PBT ================================
P = "pbt"
exits_p, stderr_p, rows, by, N, states, state_text = open_phase(P, conf["pbt_pop"])
check(P, "all complete", states.get("complete", 0) == N and len(rows) == N, state_text)
last = conf["pbt_max"] - 1
short = ["#%d last step %s" % (r["number"], max(r["steps"], default=None)) for r in rows if max(r["steps"], default=None) != last]
check(P, "each curve's last step is %d" % last, not short, "; ".join(short[:10]))

calls = calls_of(P)
fresh = {}
for trial, start, resource, host in calls:
    if start == 0:
        fresh.setdefault(trial, []).append(host)
host_of = {t: hs[0] for t, hs in fresh.items() if len(hs) == 1}
odd = {t: hs for t, hs in fresh.items() if len(hs) != 1}
missing = [r["number"] for r in rows if r["number"] not in fresh]
check(P, "each member started once from 0, on both hosts between them",
      not odd and not missing and set(host_of.values()) == {"w1", "w2"},
      "members by host %s%s%s" % ({h: sorted(t for t, x in host_of.items() if x == h) for h in sorted(set(host_of.values()))},
                                 ("; several fresh starts %s" % odd) if odd else "", ("; none for %s" % missing) if missing else ""))
owner_disagrees = [(r["number"], r["owner_host"], host_of.get(r["number"])) for r in rows
                   if r.get("owner_host") and host_of.get(r["number"]) and r["owner_host"] != host_of[r["number"]]]

def events_of(r):
    ev = (r.get("user_attrs") or {}).get("pbt")
    return ev if isinstance(ev, list) else []
def values_of(r):
    return (r.get("system_attrs") or {}).get("pbt_values") or {}
def num(v):
    return int(v) if isinstance(v, (int, float)) else None
def retrained_through(r, resource, from_index=0):
    """An exploit of r (from event from_index on) that continued below `resource` and so trained
    through it again, overwriting r's pbt_values entry there."""
    for e in events_of(r)[from_index:]:
        c, res = num(e.get("continues_at")), num(e.get("resource"))
        if c is not None and res is not None and c < resource <= res:
            return True
    return False

lineage, wrong, unverifiable = [], [], []
for r in rows:
    for i, e in enumerate(events_of(r)):
        resource, donor_n = num(e.get("resource")), num(e.get("from_trial"))
        d = by.get(donor_n, {})
        key = str(resource)
        mine, theirs = values_of(r).get(key), values_of(d).get(key)
        item = {"member": r["number"], "member_host": host_of.get(r["number"]), "donor": donor_n,
                "donor_host": host_of.get(donor_n), "resource": resource, "continues_at": num(e.get("continues_at")),
                "params": e.get("params"), "member_x": (r.get("params") or {}).get("x"),
                "member_value": mine, "donor_value": theirs}
        item["cross_host"] = bool(item["member_host"] and item["donor_host"] and item["member_host"] != item["donor_host"])
        if retrained_through(r, resource, i) or retrained_through(d, resource):
            item["ranking"] = "unverifiable (value overwritten by a later re-training)"
            unverifiable.append(item)
        elif isinstance(mine, (int, float)) and isinstance(theirs, (int, float)) and theirs < mine:
            item["ranking"] = "ok"
        else:
            item["ranking"] = "WRONG"
            wrong.append(item)
        lineage.append(item)
cross = [l for l in lineage if l["cross_host"]]
check(P, "lineage recorded: at least one exploit (user attribute pbt)", len(lineage) > 0, "%d exploit events" % len(lineage))
check(P, "at least one exploit copied a member of the other host", len(cross) > 0, "%d of %d" % (len(cross), len(lineage)))
check(P, "each exploit's donor was better (lower pbt_values) at that resource", not wrong,
      "%d checked, %d unverifiable%s" % (len(lineage) - len(unverifiable), len(unverifiable),
                                         ("; wrong: %s" % [(w["member"], w["donor"], w["resource"], w["member_value"], w["donor_value"]) for w in wrong])
                                         if wrong else ""))
failures = []
for r in rows:
    for f in (r.get("system_attrs") or {}).get("pbt_exploit_failures") or []:
        failures.append({"member": r["number"], "resource": num(f.get("resource")), "donor": num(f.get("from_trial")),
                         "reason": f.get("reason")})
ranked_by_host = {}
for step in range(conf["pbt_interval"], conf["pbt_max"], conf["pbt_interval"]):
    ranked_by_host[str(step)] = sorted({host_of.get(r["number"], "?") for r in rows if str(step) in values_of(r)})
calls_by_host = count_by_host(calls)
wall_p = phases[P][1] - phases[P][0]
facts["pbt"] = {
    "trials": len(rows), "by_state": states, "calls": len(calls), "calls_by_host": calls_by_host,
    "member_hosts": {str(k): v for k, v in sorted(host_of.items())}, "owner_host_disagrees_with_calls": owner_disagrees,
    "values_at_step_from_hosts": ranked_by_host,
    "exploit_events": len(lineage), "cross_host_exploits": len(cross), "unverifiable_rankings": len(unverifiable),
    "lineage": lineage, "exploit_failures": failures,
    "exits": exits_p, "stderr": stderr_p, "wall_s": round(wall_p, 2),
}

# ================================ report ================================
facts["result"] = "PASS" if all(ok for _, _, ok, _ in checks) else "FAIL"
facts["checks"] = [{"phase": p, "name": n, "ok": ok, "detail": d} for p, n, ok, d in checks]
facts["timings"] = {"asha_wall_s": round(wall_a, 2), "pbt_wall_s": round(wall_p, 2)}
current = None
for p, name, ok, detail in checks:
    if p != current:
        print("-- %s" % p)
        current = p
    print("%s  %s%s" % ("ok  " if ok else "FAIL", name, (": " + detail) if detail else ""))
a = facts["asha"]
print("asha: %d trials (%s), %d calls (%s), %d steps trained, %d stored; %d trials released in the storage at some point, %d handed over:"
      % (a["trials"], ", ".join("%s %d" % kv for kv in sorted(a["by_state"].items())), a["calls"], a["calls_by_host"],
         a["steps_trained"], a["steps_stored"], a["released_trials"], a["handover_count"]))
for h in a["handovers"]:
    by_host = (h["asha_paused"] or {}).get("paused_by", {}).get("host") if isinstance(h["asha_paused"], dict) else None
    print("  #%-3d %-12s calls %s; %s; asha_paused (last release) by %s" % (h["trial"], "→".join(h["hosts"]), ", ".join(h["calls"]),
                                                                        h["state"], by_host))
p = facts["pbt"]
print("pbt: %d trials, %d calls (%s); values at each ranking step came from hosts %s" % (p["trials"], p["calls"], p["calls_by_host"],
                                                                                        p["values_at_step_from_hosts"]))
print("lineage: %d exploit events, %d across hosts, %d rankings unverifiable" % (p["exploit_events"], p["cross_host_exploits"],
                                                                                 p["unverifiable_rankings"]))
for l in lineage:
    x = (l["params"] or {}).get("x")
    print("  #%-3d (%s) ← #%-3d (%s) at %d%s: x %s → %s; value %s vs donor %s: %s%s" % (
        l["member"], l["member_host"], l["donor"], l["donor_host"], l["resource"],
        "" if l["continues_at"] is None else ", continues at %d" % l["continues_at"],
        l["member_x"], x, l["member_value"], l["donor_value"], l["ranking"], "  [cross-host]" if l["cross_host"] else ""))
if failures:
    print("copies that failed (pbt_exploit_failures): %s" % failures)
if owner_disagrees:
    print("note: owner_host differs from the host of the fresh call for %s" % owner_disagrees)
print("timings: asha wall %.1f s, pbt wall %.1f s (runners' start to the last exit)" % (wall_a, wall_p))
if JSON_OUT:
    json.dump(facts, open(JSON_OUT, "w"), indent=2)
print(facts["result"])
sys.exit(0 if facts["result"] == "PASS" else 1)
EOF
CONF=$(python3 -c 'import json, sys; a = sys.argv; print(json.dumps({"asha_trials": int(a[1]), "asha_max": int(a[2]), "pbt_pop": int(a[3]),
    "pbt_max": int(a[4]), "pbt_interval": int(a[5]), "concurrency": int(a[6]), "sleep": float(a[7]), "url_options": a[8],
    "lab": a[9], "binary": a[10], "version": a[11], "commands": a[12].splitlines()}))' \
    "$ASHA_TRIALS" "$ASHA_MAX" "$PBT_POP" "$PBT_MAX" "$PBT_INTERVAL" "$CONC" "$SLEEP" "$URL_OPTS" "$PREFIX" "$SRC_BIN" \
    "$("$MT" --version 2>/dev/null)" "$(cat "$W/commands.txt")")
echo "== checks"
VERIFIED=1
python3 "$W/verify.py" "$W" "$JSON_OUT" "$CONF"
exit $?
