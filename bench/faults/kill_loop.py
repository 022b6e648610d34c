#!/usr/bin/env python3
"""Fault-injection loop: random SIGKILL/SIGTERM/SIGINT against `metatune run` on one SQLite file.

Usage (from the repository root; standard library only, no build needed):

    python3 bench/faults/kill_loop.py --seed 1                 # 200 runs, the default
    python3 bench/faults/kill_loop.py --runs 50 --seed 7 --binary .build/release/metatune

Each invocation makes a fresh folder bench/scratch/faults/seed<S>-<time>/ (git-ignored) holding
space.yaml (`x: {type: float, low: 0, high: 1}`), faults.sqlite, printed.log (one line per value an
objective printed) and run-NNN.out/.err of every run. Run i asks the study `faults` for a total of
i*--step trials with --concurrency 1 or 2; the objective is
`/bin/bash -c 'sleep 0.<0-3><0-9>; echo {x}; echo "{trial_number} {x}" >> printed.log'`.
After a random delay (0 to --max-delay s) the runner gets SIGKILL, SIGTERM or SIGINT; whatever its
session still holds afterwards (trial commands left by a SIGKILL) is killed. Every --complete-every
runs, and as the last run, one run goes to completion unkilled, so that the trials of dead runners
are failed ("heartbeat lost") and the study reaches its total.

Checked after every run (the database opened read-only): PRAGMA integrity_check is ok; trial
numbers are unique and contiguous 0..n-1; studies.trial_count equals the rows; the study never
holds more than the requested total; every complete trial has a finite value equal to its x (the
objective echoes x); every trial the runner reported with --json is stored in that state with that
value; a runner stopped by SIGTERM/SIGINT (handled) leaves no running trial of its own and no
process behind; an unkilled run exits 0 (or 1 when no trial completed, which is recorded) and a
completion run leaves exactly the total and nothing running. At the end: every value in
printed.log belongs to a trial stored complete with that value or failed, and
`metatune study trials faults --json` agrees with SQLite. Prints a summary; exits 1 if any
check failed.

Result, `python3 bench/faults/kill_loop.py --seed 1` with the release binary of a738e9c: 200 runs;
signals reaching a live runner SIGKILL 38, SIGTERM 43, SIGINT 37 (62 more came after the run had
ended); exit codes 0 x83, 130 x74 (handled stop), -9 x38, -15 x2 and -2 x3 (signal within 0.03 s,
before the handler is installed); 1000 trials: 862 complete, 138 failed (88 "interrupted (killed
by signal 15)", 50 "heartbeat lost"), 0 running/pruned/waiting; integrity ok; 0 duplicate
numbers, 0 gaps; `study trials --json` agrees; 0 failed checks; 225 s wall, 20 s user CPU.
"""
import argparse
import json
import math
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STATES = ("complete", "failed", "running", "pruned", "waiting")
SIGNALS = {"KILL": signal.SIGKILL, "TERM": signal.SIGTERM, "INT": signal.SIGINT}
OBJECTIVE = ["/bin/bash", "-c",
             'sleep 0.$((RANDOM % 4))$((RANDOM % 10)); echo {x}; echo "{trial_number} {x}" >> printed.log']


def session_processes(sid):
    """Live (non-zombie) pids whose session id is `sid`."""
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()  # state ppid pgrp session ...
        if fields[0] != "Z" and int(fields[3]) == sid:
            pids.append(int(name))
    return pids


def kill_session(sid):
    pids = session_processes(sid)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return pids


def read_db(path):
    """Everything the checks need, read through a read-only connection."""
    uri = "file:" + urllib.request.pathname2url(path) + "?mode=ro"
    con = sqlite3.connect(uri, uri=True, timeout=30)
    try:
        integrity = [r[0] for r in con.execute("PRAGMA integrity_check")]
        study = con.execute("SELECT id, trial_count FROM studies WHERE name = 'faults'").fetchone()
        rows = []
        if study:
            rows = con.execute(
                "SELECT number, state, value, params, fail_reason, owner_pid FROM trials "
                "WHERE study_id = ? ORDER BY number", (study[0],)).fetchall()
    finally:
        con.close()
    trials = [dict(number=r[0], state=r[1], value=r[2], params=json.loads(r[3] or "{}"),
                   fail_reason=r[4], owner_pid=r[5]) for r in rows]
    return dict(integrity=integrity, trial_count=study[1] if study else None, trials=trials)


def close(a, b):
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)


def structural_problems(db, total):
    """Problems any state of the database must not show."""
    out = []
    if db["integrity"] != ["ok"]:
        out.append(f"integrity_check: {db['integrity'][:5]}")
    numbers = [t["number"] for t in db["trials"]]
    dups = sorted(n for n, k in Counter(numbers).items() if k > 1)
    gaps = sorted(set(range(len(set(numbers)))) - set(numbers)) if numbers else []
    if dups:
        out.append(f"duplicate numbers {dups[:10]}")
    if gaps or (numbers and max(numbers) != len(numbers) - 1):
        out.append(f"numbers not contiguous: gaps {gaps[:10]}, max {max(numbers)}, rows {len(numbers)}")
    if db["trial_count"] is not None and db["trial_count"] != len(numbers):
        out.append(f"studies.trial_count {db['trial_count']} != {len(numbers)} rows")
    if len(numbers) > total:
        out.append(f"{len(numbers)} trials, more than the requested total {total}")
    for t in db["trials"]:
        if t["state"] not in STATES:
            out.append(f"trial {t['number']}: unknown state {t['state']!r}")
        if t["state"] == "complete":
            v = t["value"]
            if v is None or not math.isfinite(v):
                out.append(f"trial {t['number']}: complete without a finite value ({v!r})")
            elif not close(v, t["params"].get("x")):
                out.append(f"trial {t['number']}: value {v!r} != x {t['params'].get('x')!r}")
    return out


def reported_problems(db, lines):
    """Trials the runner reported finished (--json lines) must be stored as reported."""
    out = []
    by_number = {t["number"]: t for t in db["trials"]}
    for line in lines:
        try:
            rep = json.loads(line)
        except ValueError:
            out.append(f"unparsable --json line {line[:80]!r}")
            continue
        t = by_number.get(rep.get("number"))
        if t is None:
            out.append(f"reported trial {rep.get('number')} missing from the database")
        elif t["state"] != rep.get("state"):
            out.append(f"reported trial {t['number']} {rep.get('state')} but stored {t['state']} ({t['fail_reason']})")
        elif rep.get("state") == "complete" and not close(t["value"], rep.get("value")):
            out.append(f"reported trial {t['number']} value {rep.get('value')} but stored {t['value']}")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--step", type=int, default=5, help="trials added to the study's total per run")
    ap.add_argument("--max-delay", type=float, default=1.5, help="longest delay before the signal (s)")
    ap.add_argument("--complete-every", type=int, default=10, help="every Nth run is not killed")
    ap.add_argument("--stop-timeout", type=float, default=30.0,
                    help="seconds a signalled runner may take to exit before it counts as hung")
    ap.add_argument("--binary", default=os.path.join(REPO, "bench/scratch/metatune-s8"))
    ap.add_argument("--dir", help="scratch folder (default: a fresh bench/scratch/faults/seedS-TIME)")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    binary = os.path.abspath(args.binary)
    work = os.path.abspath(args.dir or os.path.join(
        REPO, "bench/scratch/faults", f"seed{args.seed}-{time.strftime('%Y%m%d-%H%M%S')}"))
    os.makedirs(work, exist_ok=False)
    with open(os.path.join(work, "space.yaml"), "w") as f:
        f.write("x: {type: float, low: 0, high: 1}\n")
    storage = os.path.join(work, "faults.sqlite")

    started = time.monotonic()
    failures = []          # (run, message)
    kills = Counter()      # signal name -> signals delivered to a live runner
    missed = Counter()     # signal name -> runner had already exited
    exit_codes = Counter()
    no_trial_completed = []  # unkilled runs that exited 1
    leftovers_killed = 0
    total = 0

    for i in range(args.runs):
        total += args.step
        conc = rng.choice([1, 2])
        complete_run = (i + 1) % args.complete_every == 0 or i == args.runs - 1
        sig_name = None if complete_run else rng.choice(list(SIGNALS))
        delay = rng.uniform(0, args.max_delay)
        cmd = [binary, "run", "--study", "faults", "--space", "space.yaml", "--trials", str(total),
               "--storage", "sqlite:faults.sqlite", "--quiet", "--json", "--concurrency", str(conc),
               "--"] + OBJECTIVE
        out_path = os.path.join(work, f"run-{i:03d}.out")
        err_path = os.path.join(work, f"run-{i:03d}.err")
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            proc = subprocess.Popen(cmd, cwd=work, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
            delivered = False
            if sig_name:
                try:
                    proc.wait(timeout=delay)
                    missed[sig_name] += 1
                except subprocess.TimeoutExpired:
                    proc.send_signal(SIGNALS[sig_name])
                    delivered = True
                    kills[sig_name] += 1
            try:
                rc = proc.wait(timeout=args.stop_timeout if sig_name else 600)
            except subprocess.TimeoutExpired:
                failures.append((i, f"runner still alive {args.stop_timeout}s after SIG{sig_name}; killed"))
                proc.kill()
                rc = proc.wait()
        exit_codes[rc] += 1
        # A SIGKILLed runner (or one killed by a signal before its handler was installed) leaves
        # its trial commands running; a runner that exited on its own must not.
        left = kill_session(proc.pid)
        leftovers_killed += len(left)
        if left and rc >= 0:
            failures.append((i, f"exit {rc} left {len(left)} process(es) of its session running: {left}"))

        with open(out_path) as f:
            lines = [l for l in f.read().splitlines() if l.strip()]
        db = read_db(storage)
        problems = structural_problems(db, total) + reported_problems(db, lines)
        exited_normally = not delivered
        if exited_normally:
            if rc == 1:
                no_trial_completed.append(i)
            elif rc != 0:
                problems.append(f"unkilled run exited {rc}")
        elif rc >= 0:  # handled SIGTERM/SIGINT: stopped cleanly
            mine = [t["number"] for t in db["trials"] if t["state"] == "running" and t["owner_pid"] == proc.pid]
            if mine:
                problems.append(f"stopped by SIG{sig_name} (exit {rc}) but left its trials {mine} running")
        if complete_run and rc in (0, 1):
            running = [t["number"] for t in db["trials"] if t["state"] == "running"]
            if running:
                problems.append(f"completion run left trials {running} running")
            if len(db["trials"]) != total:
                problems.append(f"completion run: {len(db['trials'])} trials, requested total {total}")
        for p in problems:
            failures.append((i, f"{'SIG' + sig_name if delivered else 'no kill'}, delay {delay:.2f}s, "
                                f"concurrency {conc}, rc {rc}: {p}"))
        states = Counter(t["state"] for t in db["trials"])
        print(f"run {i:3d} total {total:4d} c{conc} {('SIG' + sig_name) if delivered else ('complete' if complete_run else 'SIG' + sig_name + ' too late'):<17}"
              f" delay {delay:4.2f} rc {rc:4d} trials {len(db['trials']):4d} "
              + " ".join(f"{s}={states[s]}" for s in STATES if states[s])
              + (f"  PROBLEMS: {problems}" if problems else ""), flush=True)

    # Final checks.
    db = read_db(storage)
    trials = {t["number"]: t for t in db["trials"]}
    printed = 0
    with open(os.path.join(work, "printed.log")) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 2:
                failures.append((None, f"printed.log: odd line {line!r}"))
                continue
            printed += 1
            n, x = int(parts[0]), float(parts[1])
            t = trials.get(n)
            if t is None:
                failures.append((None, f"printed trial {n} is not in the database"))
            elif t["state"] == "complete":
                if not close(t["value"], x):
                    failures.append((None, f"printed trial {n} value {x} but stored {t['value']}"))
            elif t["state"] != "failed":
                failures.append((None, f"printed trial {n} stored {t['state']} at the end"))

    cli = subprocess.run([binary, "study", "trials", "faults", "--storage", "sqlite:faults.sqlite", "--json"],
                         cwd=work, capture_output=True, text=True)
    cli_ok = False
    if cli.returncode != 0:
        failures.append((None, f"study trials --json exited {cli.returncode}: {cli.stderr.strip()[:200]}"))
    else:
        try:
            listed = json.loads(cli.stdout)
            mism = [e.get("number") for e in listed
                    if e.get("number") not in trials or trials[e["number"]]["state"] != e.get("state")
                    or (e.get("state") == "complete" and not close(trials[e["number"]]["value"], e.get("value")))]
            if len(listed) != len(trials) or mism:
                failures.append((None, f"study trials --json: {len(listed)} trials vs {len(trials)} in SQLite, "
                                       f"mismatched {mism[:10]}"))
            elif Counter(e["state"] for e in listed) != Counter(t["state"] for t in trials.values()):
                failures.append((None, "study trials --json state counts differ from SQLite"))
            else:
                cli_ok = True
        except ValueError as e:
            failures.append((None, f"study trials --json does not parse: {e}"))

    numbers = [t["number"] for t in db["trials"]]
    dups = sum(k - 1 for k in Counter(numbers).values() if k > 1)
    gaps = len(set(range(max(numbers) + 1)) - set(numbers)) if numbers else 0
    states = Counter(t["state"] for t in db["trials"])
    reasons = Counter(t["fail_reason"] for t in db["trials"] if t["state"] == "failed")
    wall = time.monotonic() - started
    print()
    print(f"folder: {work}")
    print(f"runs: {args.runs} (seed {args.seed}, +{args.step} trials a run, completion every {args.complete_every})")
    print(f"signals delivered to a live runner: " + ", ".join(f"SIG{k} {kills[k]}" for k in SIGNALS)
          + f"; runner already finished before the signal: " + ", ".join(f"SIG{k} {missed[k]}" for k in SIGNALS))
    print(f"exit codes: {dict(sorted(exit_codes.items()))}; unkilled runs that exited 1 (no trial completed): {no_trial_completed}")
    print(f"leftover trial processes killed after runners: {leftovers_killed}")
    print(f"trials: {len(numbers)} (requested total {total}); " + ", ".join(f"{s} {states[s]}" for s in STATES))
    print(f"fail reasons: {dict(reasons)}")
    print(f"values printed by objectives: {printed}")
    print(f"integrity_check: {'ok' if db['integrity'] == ['ok'] else db['integrity'][:5]}")
    print(f"duplicate numbers: {dups}, gaps: {gaps}")
    print(f"study trials --json agrees with SQLite: {cli_ok}")
    print(f"failed checks: {len(failures)}")
    for run, msg in failures[:50]:
        print(f"  run {run}: {msg}")
    print(f"wall time: {wall:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
