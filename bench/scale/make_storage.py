#!/usr/bin/env python3
"""Writes a MetaTune SQLite storage of many finished studies for the load-and-first-suggestion benchmark.

--studies studies named study-0000, ... (direction maximize), each with --trials complete trials of
bench/scale/space.yaml: its own random draws (no pool is shared: the hardest case for ranking past
configurations), scored by a smooth function whose optimum moves a little from study to study.
`metatune meta export --space bench/scale/space.yaml` turns it into the knowledge-base file of the
same benchmark. Each study records the system attributes MetaTune's `run`
records, "metatune.objective" = {"metric": "value"} and "metatune.task" = its name; no
meta-features. The file is what MetaTune itself writes: `metatune study create` makes it (schema,
migrations, WAL journaling), and the rows follow in one transaction, JSON columns as Swift's
JSONEncoder with sorted keys writes them, with the revision and trial_count counters a study of
`metatune run` ends with:

    python3 bench/scale/make_storage.py --studies 1000 --trials 100 --out bench/scratch/scale-1000x100.sqlite
"""
import argparse
import json
import math
import os
import random
import socket
import subprocess
import sqlite3
import sys
import time

# The schema is MetaTune's own: `metatune study create` makes the file, then the study is deleted.
SCHEMA_STUDY = "make-storage-schema"


# bench/scale/space.yaml as MetaTune's Distribution encodes it (Swift's synthesized enum coding:
# {"float": {"_0": {...}}}; a float's nil step is left out; categorical choices keep their type).
OPTIMIZERS = ["adam", "sgd"]
DISTRIBUTIONS = {
    "lr": {"float": {"_0": {"low": 1e-5, "high": 1.0, "log": True}}},
    "l2": {"float": {"_0": {"low": 0.0, "high": 1.0, "log": False}}},
    "layers": {"int": {"_0": {"low": 1, "high": 4, "log": False, "step": 1}}},
    "optimizer": {"categorical": {"_0": {"choices": [{"string": c} for c in OPTIMIZERS]}}},
}
# Revisions a trial of `metatune run` takes: created running, one per parameter set, finished.
REVISIONS_PER_TRIAL = 1 + len(DISTRIBUTIONS) + 1


def swift_number(x):
    """A Double as Swift's JSONEncoder writes it: the shortest round-trip form, no trailing '.0'."""
    if isinstance(x, bool) or isinstance(x, int):
        return str(x)
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def swift_json(value):
    """JSON as SQLiteRows.json writes it: JSONEncoder with .sortedKeys, compact, '/' escaped."""
    if isinstance(value, dict):
        return "{" + ",".join(swift_json(k) + ":" + swift_json(value[k]) for k in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ",".join(swift_json(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("/", "\\/")
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    return swift_number(value)


def process_start(pid):
    """Field 22 of /proc/PID/stat (clock ticks since boot), as TrialOwner records it; else 0."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
        return int(text[text.rindex(")") + 1:].split()[19])
    except (OSError, ValueError, IndexError):
        return 0


def generate(studies, trials, seed):
    """(study rows, trial rows) in id order."""
    rng = random.Random(seed)
    clock = random.Random(f"{seed}:timestamps")  # a separate stream: timings never shift the draws
    host, pid = socket.gethostname(), os.getpid()
    start = process_start(pid)
    names = sorted(DISTRIBUTIONS)
    study_attrs = '{"metatune.objective":{"metric":"value"},"metatune.task":%s}'
    # Studies ran one after another, trials of ~0.5-3 s each, the last one finishing now.
    durations = [clock.uniform(0.5, 3.0) for _ in range(studies * trials)]
    t = time.time() - sum(durations) - studies * (0.015 + trials * 0.003)
    study_rows, trial_rows, distribution_rows = [], [], []
    trial_id = 0
    for s in range(studies):
        name = f"study-{s:04d}"
        # Each distinct distribution once per study; a trial maps its parameters to their ids.
        ids = {param: s * len(names) + k + 1 for k, param in enumerate(names)}
        distribution_rows += [(ids[param], s + 1, swift_json(DISTRIBUTIONS[param])) for param in names]
        distributions = swift_json(ids)
        created = t
        t += 0.015
        shift = rng.gauss(0, 0.3)
        for number in range(trials):
            lr = 10 ** rng.uniform(-5, 0)
            l2 = rng.uniform(0, 1)
            layers = rng.randint(1, 4)
            optimizer = rng.choice(OPTIMIZERS)
            score = (1 - (math.log10(lr) + 2.5 - shift) ** 2 / 10 - (l2 - 0.3) ** 2
                     - 0.02 * abs(layers - 2) - (0.05 if optimizer == "sgd" else 0) + rng.gauss(0, 0.01))
            trial_id += 1
            started = t
            completed = started + durations[trial_id - 1]
            t = completed + 0.003
            params = (f'{{"l2":{swift_number(l2)},"layers":{layers},"lr":{swift_number(lr)},'
                      f'"optimizer":{OPTIMIZERS.index(optimizer)}}}')
            trial_rows.append((trial_id, s + 1, number, "complete", round(score, 5), params, distributions,
                               "{}", "{}", started, completed, started, None, host, pid, start,
                               REVISIONS_PER_TRIAL * (number + 1)))
        study_rows.append((s + 1, name, "maximize", "{}", study_attrs % swift_json(name), created,
                           REVISIONS_PER_TRIAL * trials, trials))
    return study_rows, trial_rows, distribution_rows


def make_schema(path, metatune):
    """Lets MetaTune create an empty storage at `path` (its current schema, migrations and WAL mode)."""
    for arguments in (["study", "create", SCHEMA_STUDY], ["study", "delete", SCHEMA_STUDY, "--yes"]):
        subprocess.run([metatune, *arguments, "--storage", f"sqlite:{path}"], check=True, capture_output=True)


def write(path, study_rows, trial_rows, distribution_rows):
    db = sqlite3.connect(path, isolation_level=None)
    try:
        # Built in a scratch file nobody else opens: no rollback journal, no fsync until the end.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA locking_mode = EXCLUSIVE")
        db.execute("PRAGMA cache_size = -262144")
        db.execute("BEGIN")
        db.execute("DELETE FROM sqlite_sequence")  # the schema study's id is not kept
        db.executemany("INSERT INTO studies (id, name, direction, user_attrs, system_attrs, created_at, revision, "
                       "trial_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", study_rows)
        db.executemany("INSERT INTO study_distributions (id, study_id, body) VALUES (?, ?, ?)", distribution_rows)
        db.executemany("INSERT INTO trials (id, study_id, number, state, value, params, distributions, user_attrs, "
                       "system_attrs, started_at, completed_at, heartbeat_at, fail_reason, owner_host, owner_pid, "
                       "owner_start, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", trial_rows)
        db.execute("COMMIT")
        db.execute("PRAGMA locking_mode = NORMAL")
        # GRDB's DatabasePool leaves its files in WAL mode (file header bytes 18-19 = 2).
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            raise RuntimeError(f"could not switch {path} to WAL journaling (got {mode})")
        db.execute("PRAGMA synchronous = FULL")
    finally:
        db.close()  # the last connection checkpoints and removes the -wal file


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=1000, help="number of studies (default 1000)")
    parser.add_argument("--trials", type=int, default=100, help="complete trials per study (default 100)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the draws (default 0)")
    parser.add_argument("--out", required=True, help="the SQLite file to create (use with --storage sqlite:FILE)")
    parser.add_argument("--force", action="store_true", help="replace --out (and its -wal/-shm) if it exists")
    parser.add_argument("--metatune", default=".build/release/metatune", help="the metatune binary that creates the schema")
    args = parser.parse_args()
    if args.studies < 1 or args.trials < 1:
        parser.error("--studies and --trials must be at least 1")
    out = args.out
    directory = os.path.dirname(out) or "."
    if not os.path.isdir(directory):
        parser.error(f"directory '{directory}' does not exist")
    companions = [out + "-wal", out + "-shm", out + "-journal"]
    existing = [p for p in [out] + companions if os.path.lexists(p)]
    if existing and not args.force:
        sys.exit(f"make_storage.py: {existing[0]} exists; pass --force to replace it")

    began = time.perf_counter()
    study_rows, trial_rows, distribution_rows = generate(args.studies, args.trials, args.seed)
    generated = time.perf_counter()
    scratch = os.path.join(directory, f".{os.path.basename(out)}.{os.getpid()}.tmp")
    try:
        make_schema(scratch, args.metatune)
        write(scratch, study_rows, trial_rows, distribution_rows)
        for path in companions:  # a stale -wal would be replayed into the new file
            if os.path.lexists(path):
                os.remove(path)
        os.replace(scratch, out)
    finally:
        for path in [scratch, scratch + "-wal", scratch + "-shm", scratch + "-journal"]:
            if os.path.lexists(path):
                os.remove(path)
    done = time.perf_counter()
    size = os.path.getsize(out)
    print(f"wrote {args.studies} studies x {args.trials} complete trials ({len(trial_rows)} trials, seed {args.seed}, "
          f"direction maximize, metric 'value') to {out}: {size / 1e6:.1f} MB in {done - began:.2f} s "
          f"(draws {generated - began:.2f} s, SQLite {done - generated:.2f} s)")


if __name__ == "__main__":
    main()
