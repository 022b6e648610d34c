#!/usr/bin/env python3
"""Optuna's RDBStorage on PostgreSQL: completed trials per wall second with N worker processes.

The Optuna anchor of the PostgreSQL storage throughput comparison (MetaTune's side is run
against the same server). For each worker count it creates a fresh study with a unique name,
starts that many worker processes (multiprocessing, spawn by default), each of which builds its
own RDBStorage, calls optuna.load_study and then loops

    trial = study.ask(); x = trial.suggest_float("x", -10, 10); value = objective(x); study.tell(trial, value)

with Optuna's default sampler (TPE; --sampler random for RandomSampler) until the wall-time
window ends (--seconds, default 20) or it has told --trials-per-worker trials. Only the loop is
timed: every worker imports Optuna, connects and loads the study, then waits on an event; the
clock starts when the parent sets it (CLOCK_MONOTONIC, shared by all processes on Linux) and
stops at the last tell of the last worker. A trial in flight when the window closes is finished
and counted, and the window is stretched to its end, so trials / seconds stays unbiased.
Exceptions in workers (Optuna's known failures under concurrency: "has already finished",
deadlocks, serialization failures, pool time-outs) are counted by kind, not raised; the worker
goes on with the next trial. The study is deleted afterwards.

Engine: each worker's RDBStorage gets engine_kwargs {"pool_size": 1, "max_overflow": 2,
"pool_timeout": 30, "connect_args": {"connect_timeout": 10}}: Optuna's documented example is
pool_size + a connect time-out, and a worker runs one ask/tell at a time on one thread, so one
pooled connection is all it uses (the overflow is head-room); 32 workers then hold ~32 of
PostgreSQL's default 100 connections. Everything else (isolation level, TPE defaults, Optuna's
_CachedStorage wrapper that load_study puts around an RDBStorage) is as Optuna ships it.
Optuna's INFO log is turned down to WARNING in the workers (study.tell does not log per trial
anyway; load_study/create_study would).

  usage: PY=$(bench/anchors-venv.sh)/bin/python
         $PY bench/optuna_rdb_throughput.py --url postgresql://USER:PW@127.0.0.1:PORT/DB \\
             --workers 1,8,32 --objective instant|sleep100 [--trials-per-worker N | --seconds S] \\
             [--sampler tpe|random] [--start-method spawn|fork] [--pool-size N] [--json]

A plain postgresql:// URL uses psycopg 3 under SQLAlchemy 2.1 (the anchors venv installs
psycopg[binary]); postgresql+psycopg2:// would need psycopg2. The password is masked whenever
the URL is printed.
"""
import argparse
import json
import multiprocessing as mp
import os
import re
import sys
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

CLOCK = time.monotonic          # CLOCK_MONOTONIC: one clock for every process on the machine
MAX_CONSECUTIVE_ERRORS = 200    # a worker that fails this often in a row gives up (counted)


def mask_url(url):
    """The URL with its password replaced by ***."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.netloc.rsplit("@", 1)
        userinfo = netloc[0].split(":", 1)[0] + ":***"
        return urlunsplit(parts._replace(netloc=userinfo + "@" + netloc[1]))
    except Exception:
        return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", url)


def engine_kwargs(pool_size):
    return {
        "pool_size": pool_size,
        "max_overflow": 2,
        "pool_timeout": 30,
        "connect_args": {"connect_timeout": 10},
    }


def error_kind(exc):
    """A short key that groups the same failure across trials: type + first line, numbers out."""
    def first_line(e):
        text = str(e).strip()
        return text.splitlines()[0] if text else ""

    # SQLAlchemy wraps the driver's error: keep the driver's class name, which is what tells
    # a deadlock (DeadlockDetected) from a serialization failure and so on.
    orig = getattr(exc, "orig", None)
    name = type(exc).__name__ + (f"({type(orig).__name__})" if orig is not None else "")
    msg = first_line(exc)
    cause = exc.__cause__  # Optuna's StorageInternalError hides the real error here
    if cause is not None and orig is None:
        corig = getattr(cause, "orig", None)
        msg += f" <- {type(cause).__name__}" + (f"({type(corig).__name__})" if corig is not None else "") \
            + f": {first_line(cause)}"
    msg = re.sub(r"\d+", "N", msg)[:240]
    return f"{name}: {msg}"


def make_objective(name):
    if name == "instant":
        return lambda x: x ** 2

    def sleep100(x):
        time.sleep(0.1)
        return x ** 2
    return sleep100


def worker(url, study_name, sampler_name, objective_name, pool_size, seconds, trials_per_worker,
           ready, start, start_time, out):
    """One worker process: connect and load the study, wait for the start, then ask/tell."""
    result = {"pid": os.getpid(), "trials": 0, "errors": 0, "kinds": {}, "last_end": None,
              "fatal": None}
    try:
        import optuna
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        storage = optuna.storages.RDBStorage(url, engine_kwargs=engine_kwargs(pool_size))
        sampler = optuna.samplers.RandomSampler() if sampler_name == "random" else None  # None: TPE
        study = optuna.load_study(study_name=study_name, storage=storage, sampler=sampler)
        objective = make_objective(objective_name)
    except BaseException as exc:  # start-up failed: report it, do not hang the others
        result["fatal"] = f"start-up: {error_kind(exc)}"
        ready.release()
        out.put(result)
        return
    ready.release()
    start.wait()
    t0 = start_time.value
    deadline = t0 + seconds if seconds is not None else None
    consecutive = 0
    while True:
        if deadline is not None and CLOCK() >= deadline:
            break
        if trials_per_worker is not None and result["trials"] >= trials_per_worker:
            break
        try:
            trial = study.ask()
            x = trial.suggest_float("x", -10, 10)
            value = objective(x)
            study.tell(trial, value)
            result["trials"] += 1
            result["last_end"] = CLOCK()
            consecutive = 0
        except Exception as exc:
            kind = error_kind(exc)
            result["errors"] += 1
            result["kinds"][kind] = result["kinds"].get(kind, 0) + 1
            consecutive += 1
            if consecutive >= MAX_CONSECUTIVE_ERRORS:
                result["fatal"] = f"gave up after {consecutive} errors in a row: {kind}"
                break
    out.put(result)


def run_one(args, optuna, workers, ctx):
    study_name = f"optuna-rdb-throughput-{args.objective}-{args.sampler}-{workers}w-{uuid.uuid4().hex[:12]}"
    storage = optuna.storages.RDBStorage(args.url, engine_kwargs=engine_kwargs(args.pool_size))
    optuna.create_study(study_name=study_name, storage=storage, direction="minimize")
    storage.engine.dispose()  # no pooled connection for a forked child to inherit

    ready = ctx.Semaphore(0)
    start = ctx.Event()
    start_time = ctx.Value("d", 0.0)
    out = ctx.Queue()
    procs = [ctx.Process(target=worker,
                         args=(args.url, study_name, args.sampler, args.objective, args.pool_size,
                               args.seconds, args.trials_per_worker, ready, start, start_time, out))
             for _ in range(workers)]
    t_launch = CLOCK()
    for p in procs:
        p.start()
    for _ in procs:
        if not ready.acquire(timeout=600):
            raise SystemExit(f"workers not ready after 600 s ({workers} workers)")
    startup = CLOCK() - t_launch
    start_time.value = CLOCK()
    start.set()
    t0 = start_time.value

    results = []
    while len(results) < workers:  # until every worker reported, or none is left alive to
        try:
            results.append(out.get(timeout=1.0))
        except Exception:  # queue.Empty
            if not any(p.is_alive() for p in procs):
                try:  # one that exited just now may have left its report in the pipe
                    while len(results) < workers:
                        results.append(out.get(timeout=1.0))
                except Exception:
                    pass
                break
    t_joined = CLOCK()
    for p in procs:
        p.join(timeout=30)
        if p.is_alive():
            p.kill()
            p.join()

    trials = sum(r["trials"] for r in results)
    errors = sum(r["errors"] for r in results)
    kinds = {}
    fatal = [r["fatal"] for r in results if r["fatal"]]
    for r in results:
        for k, n in r["kinds"].items():
            kinds[k] = kinds.get(k, 0) + n
    missing = workers - len(results)
    if missing:
        fatal.append(f"{missing} worker(s) never reported")
    ends = [r["last_end"] for r in results if r["last_end"] is not None]
    t_end = max(ends) if ends else t_joined
    if args.seconds is not None:
        t_end = max(t_end, t0 + args.seconds)  # the window is at least the one asked for
    seconds = t_end - t0

    # What the database holds, as a check of the worker-side count.
    states = {}
    try:
        summary = optuna.load_study(study_name=study_name, storage=storage)
        for t in summary.get_trials(deepcopy=False):
            states[t.state.name] = states.get(t.state.name, 0) + 1
    except Exception as exc:
        fatal.append(f"reading the study back: {error_kind(exc)}")
    try:
        optuna.delete_study(study_name=study_name, storage=storage)
    except Exception as exc:
        fatal.append(f"deleting the study: {error_kind(exc)}")
    storage.engine.dispose()

    return {
        "workers": workers,
        "trials": trials,
        "seconds": round(seconds, 3),
        "trials_per_s": round(trials / seconds, 2) if seconds > 0 else None,
        "ideal_trials_per_s": workers * 10 if args.objective == "sleep100" else None,
        # exceptions in trials, plus workers that could not start or died without reporting
        "errors": errors + missing + sum(1 for r in results if (r["fatal"] or "").startswith("start-up")),
        "error_kinds": kinds,
        "worker_failures": fatal,
        "db_trial_states": states,
        "startup_seconds": round(startup, 2),
    }


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True, help="postgresql://USER:PW@HOST:PORT/DB")
    ap.add_argument("--workers", default="1,8,32", help="comma-separated worker counts (default 1,8,32)")
    ap.add_argument("--objective", choices=["instant", "sleep100"], required=True,
                    help="instant: x**2; sleep100: sleep 0.1 s, then x**2")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--seconds", type=float, help="wall-time window per worker count (default 20)")
    g.add_argument("--trials-per-worker", type=int, help="a fixed number of trials per worker instead")
    ap.add_argument("--sampler", choices=["tpe", "random"], default="tpe",
                    help="tpe: Optuna's default TPESampler (default); random: RandomSampler")
    ap.add_argument("--start-method", choices=["spawn", "fork", "forkserver"], default="spawn")
    ap.add_argument("--pool-size", type=int, default=1, help="SQLAlchemy pool_size per process (default 1)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = ap.parse_args(argv)
    if args.seconds is None and args.trials_per_worker is None:
        args.seconds = 20.0
    try:
        args.worker_counts = [int(w) for w in args.workers.split(",") if w.strip()]
    except ValueError:
        ap.error("--workers takes comma-separated integers, e.g. 1,8,32")
    if not args.worker_counts or min(args.worker_counts) < 1:
        ap.error("--workers takes positive integers")
    if not args.url.startswith("postgresql"):
        ap.error(f"--url must be a postgresql URL, got {mask_url(args.url)}")
    return args


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    import optuna
    import sqlalchemy
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    ctx = mp.get_context(args.start_method)
    window = f"{args.seconds:g} s" if args.seconds is not None else f"{args.trials_per_worker} trials/worker"
    print(f"optuna {optuna.__version__}, sqlalchemy {sqlalchemy.__version__}, {mask_url(args.url)}, "
          f"objective {args.objective}, sampler {args.sampler}, {window}, start method {args.start_method}, "
          f"engine_kwargs {engine_kwargs(args.pool_size)}", file=sys.stderr)

    results = []
    for w in args.worker_counts:
        r = run_one(args, optuna, w, ctx)
        results.append(r)
        print(f"  {w:>3} workers: {r['trials']} trials in {r['seconds']:.2f} s = {r['trials_per_s']} trials/s, "
              f"{r['errors']} errors (start-up {r['startup_seconds']} s, db {r['db_trial_states']})",
              file=sys.stderr)
        for k, n in sorted(r["error_kinds"].items(), key=lambda kv: -kv[1]):
            print(f"        {n} x {k}", file=sys.stderr)
        for f in sorted(set(r["worker_failures"])):
            print(f"        {r['worker_failures'].count(f)} worker(s): {f}", file=sys.stderr)

    if args.json:
        print(json.dumps({
            "optuna": optuna.__version__,
            "storage": "postgresql",
            "objective": args.objective,
            "sampler": args.sampler,
            "results": results,
        }))
        return
    print(f"Optuna {optuna.__version__} RDBStorage, PostgreSQL, objective {args.objective}, "
          f"sampler {args.sampler}, window {window}")
    print(f"{'workers':>7}  {'trials':>7}  {'seconds':>8}  {'trials/s':>9}  {'ideal/s':>7}  {'errors':>6}")
    for r in results:
        ideal = "-" if r["ideal_trials_per_s"] is None else str(r["ideal_trials_per_s"])
        print(f"{r['workers']:>7}  {r['trials']:>7}  {r['seconds']:>8.2f}  {r['trials_per_s']:>9}  "
              f"{ideal:>7}  {r['errors']:>6}")


def _scrubbed(text, argv):
    """text with the password of any --url in argv replaced by ***."""
    for i, a in enumerate(argv):
        url = argv[i + 1] if a == "--url" and i + 1 < len(argv) else a[6:] if a.startswith("--url=") else None
        try:
            pw = urlsplit(url).password if url else None
        except ValueError:
            pw = None
        if pw:
            text = text.replace(pw, "***")
    return text


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception:  # the traceback, with the password masked should a message quote the URL
        import traceback
        sys.stderr.write(_scrubbed(traceback.format_exc(), sys.argv))
        sys.exit(1)
