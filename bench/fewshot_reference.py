"""PyTorch CPU reference for MetaTune's gradient-based meta-learning (few-shot) protocols.

Run beside `metatune`'s Swift implementation of the same protocol: same seeds (as integers; the
random streams differ), architectures, episodes and step counts.

    PY=$(bench/torch-venv.sh)/bin/python
    $PY bench/fewshot_reference.py --method maml --benchmark sinusoid --shots 10
    $PY bench/fewshot_reference.py --method protonet --benchmark fashion --shots 1 --ways 4
    $PY bench/fewshot_reference.py --method maml --benchmark fashion --shots 1 --time-only

Methods: maml, fomaml, reptile, metasgd, anil, protonet (fashion only), scratch, pretrain.
Output (stdout): one JSON object per evaluation setting, keys method, benchmark, shots, ways
(null for sinusoid), steps, episodes, mse (sinusoid) or accuracy (fashion, %), ci95
(1.96 * sample sd / sqrt(episodes) of the per-episode metric), before_adaptation (the metric with
0 inner steps), train_seconds, seconds_per_iteration, threads, iterations (meta-iterations run),
seed. Progress (about every 10 % of the iterations) goes to stderr. --time-only: 3 warm-up and
20 timed meta-iterations, prints method, benchmark, shots, ways, threads and the median
seconds_per_iteration; no evaluation.

Randomness: torch.manual_seed(seed) before any initialisation (PyTorch default init of
nn.Linear / nn.Conv2d; fresh networks or heads during evaluation continue that stream);
training tasks come from numpy.random.default_rng(seed), test tasks from
numpy.random.default_rng(seed + 1_000_000), so every method sees the same test tasks.

Sinusoid (MAML paper). Task y = A sin(x - phi), A ~ U[0.1, 5], phi ~ U[0, pi], x ~ U[-5, 5]
(drawn in that order: A, phi, support xs, query xs). MLP 1-40-40-1, ReLU, MSE. Training: K
support and K query points per task, meta-batch 25, 3000 iterations, Adam(0.001), inner SGD
lr 0.01, 1 inner step (5 for reptile). Test: 500 tasks, K support and 100 query points, MSE
after 1 and 10 SGD steps (lr 0.01) on the support set.

Fashion (Fashion-MNIST, Debian package dataset-fashion-mnist). Meta-training classes 0-5 of the
train file, meta-test classes 6-9 of the t10k file; pixels / 255, 1x28x28. Episode: N ways
(default 4) drawn without replacement, labelled 0..N-1 in the drawn (random) order; per class
K support + 15 query images drawn without replacement. CNN: 3 x [conv 3x3 16ch pad 1, ReLU,
maxpool 2] (28-14-7-3), flatten 144, Linear 144-N; cross-entropy. Training: meta-batch 8
episodes, 1000 iterations, Adam(0.001), inner SGD lr 0.1, 1 inner step (5 for reptile).
Test: 600 episodes, accuracy on the N*15 queries after 1 and 5 SGD steps on the support set.

Methods (meta-gradient = mean over the meta-batch's tasks, applied by one Adam):
  maml     phi = theta - a grad L_s (S times, create_graph); meta-gradient d L_q(phi) / d theta.
  fomaml   the same inner loop, first order: the meta-gradient is grad_phi L_q(phi).
  reptile  phi = S SGD steps from theta on the support set; a task's meta-gradient is theta - phi.
  metasgd  per-parameter learning rates alpha (initialised to --inner-lr), phi = theta -
           alpha * grad L_s (create_graph), Adam on theta and alpha; alpha also at test time.
  anil     only the head (last Linear) is adapted, on body features computed once per task;
           second order; meta-gradient for body and head.
  protonet body (CNN without the Linear) embeds; prototypes = class means of the support
           embeddings; logits = -squared distance; CE on the queries; no inner loop (steps 0).
  scratch  no meta-training; a fresh network per test task trained with SGD on the support set
           (fashion also: "scratch-adam50", 50 Adam steps lr 0.01 on the whole fresh network).
  pretrain sinusoid: the MLP trained by Adam on the plain MSE of batches of 25 tasks x K points;
           fashion: the CNN with a 6-way head trained on all images of classes 0-5 (batches of
           64, Adam); per test episode a fresh N-way head, the whole network fine-tuned with SGD
           (also "pretrain-adam50": 50 Adam steps lr 0.01 on the fresh head only).
The meta-training loss reported on stderr is the query loss after adaptation (reptile: computed
without gradient), the prototype loss (protonet) or the batch loss (pretrain).
"""

import argparse
import glob
import gzip
import json
import math
import os
import statistics
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

METHODS = ("maml", "fomaml", "reptile", "metasgd", "anil", "protonet", "scratch", "pretrain")
DEFAULTS = {
    "sinusoid": dict(iterations=3000, meta_batch=25, inner_lr=0.01, meta_lr=0.001,
                     eval_steps="1,10", episodes=500),
    "fashion": dict(iterations=1000, meta_batch=8, inner_lr=0.1, meta_lr=0.001,
                    eval_steps="1,5", episodes=600, ways=4),
}
EVAL_SEED_OFFSET = 1_000_000
FASHION_DIR = "/usr/share/datasets/fashion-mnist"
FASHION_QUERY = 15
PRETRAIN_BATCH = 64
ADAM50_STEPS, ADAM50_LR = 50, 0.01


# ------------------------------------------------------------------------------- benchmarks
class Sinusoid:
    name, metric, ways = "sinusoid", "mse", None
    n_body = 4  # W1 b1 W2 b2; the head is W3 b3

    def __init__(self, shots):
        self.shots = shots

    def sample(self, rng, n_query):
        amp = rng.uniform(0.1, 5.0)
        phase = rng.uniform(0.0, math.pi)
        xs = rng.uniform(-5.0, 5.0, size=(self.shots, 1))
        xq = rng.uniform(-5.0, 5.0, size=(n_query, 1))
        t = lambda a: torch.from_numpy(a.astype(np.float32))
        return (t(xs), t(amp * np.sin(xs - phase)), t(xq), t(amp * np.sin(xq - phase)))

    def train_task(self, rng):
        return self.sample(rng, self.shots)

    def test_task(self, rng):
        return self.sample(rng, 100)

    @staticmethod
    def init_params(n_out=1):
        layers = [nn.Linear(1, 40), nn.Linear(40, 40), nn.Linear(40, n_out)]
        return [t.detach().clone() for m in layers for t in (m.weight, m.bias)]

    @staticmethod
    def init_head(n_out=1):
        m = nn.Linear(40, n_out)
        return [m.weight.detach().clone(), m.bias.detach().clone()]

    @staticmethod
    def body(p, x):
        return F.relu(F.linear(F.relu(F.linear(x, p[0], p[1])), p[2], p[3]))

    @staticmethod
    def loss(out, y):
        return F.mse_loss(out, y)

    @staticmethod
    def score(out, y):
        return F.mse_loss(out, y).item()

    def pretrain_batch(self, rng, batch):
        tasks = [self.sample(rng, 0) for _ in range(batch)]
        return torch.cat([t[0] for t in tasks]), torch.cat([t[1] for t in tasks])


def read_idx(path):
    """An IDX file (optionally gzipped) as a numpy array: 0x00 0x00, type code, ndim, big-endian
    uint32 sizes, then the data big-endian."""
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        data = f.read()
    if data[0:2] != b"\x00\x00":
        raise ValueError(f"{path}: not an IDX file")
    dtypes = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
    dtype, ndim = np.dtype(dtypes[data[2]]), data[3]
    shape = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=dtype, offset=4 + 4 * ndim, count=int(np.prod(shape)))
    return arr.reshape(shape)


def find_idx(folder, prefix, kind):
    # train-images-idx3-ubyte[.gz], also the train-images.idx3-ubyte spelling
    hits = sorted(glob.glob(os.path.join(folder, f"{prefix}-{kind}[-.]idx*-ubyte*")))
    if not hits:
        sys.exit(f"fewshot_reference: no {prefix}-{kind} IDX file in {folder} "
                 "(apt-get install -y dataset-fashion-mnist, or --fashion-dir)")
    return hits[0]


class Fashion:
    name, metric = "fashion", "accuracy"
    n_body = 6  # three convolutions (weight, bias); the head is the Linear

    def __init__(self, shots, ways, folder, need_train):
        self.shots, self.ways = shots, ways
        self.train_pool = self.load(folder, "train", range(0, 6)) if need_train else None
        self.test_pool = self.load(folder, "t10k", range(6, 10))
        if ways > len(self.test_pool):  # 4 meta-test classes; meta-training has 6
            sys.exit(f"fewshot_reference: --ways {ways} exceeds the 4 meta-test classes")

    @staticmethod
    def load(folder, prefix, classes):
        images = read_idx(find_idx(folder, prefix, "images"))
        labels = read_idx(find_idx(folder, prefix, "labels"))
        return [(images[labels == c].astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
                for c in classes]

    def sample(self, rng, pool):
        k, q = self.shots, FASHION_QUERY
        classes = rng.choice(len(pool), size=self.ways, replace=False)  # label = position
        xs, xq = [], []
        for c in classes:
            idx = rng.choice(len(pool[c]), size=k + q, replace=False)
            xs.append(pool[c][idx[:k]])
            xq.append(pool[c][idx[k:]])
        labels = np.arange(self.ways)
        return (torch.from_numpy(np.concatenate(xs)), torch.from_numpy(np.repeat(labels, k)),
                torch.from_numpy(np.concatenate(xq)), torch.from_numpy(np.repeat(labels, q)))

    def train_task(self, rng):
        return self.sample(rng, self.train_pool)

    def test_task(self, rng):
        return self.sample(rng, self.test_pool)

    @staticmethod
    def init_params(n_out):
        convs = [nn.Conv2d(1, 16, 3, padding=1), nn.Conv2d(16, 16, 3, padding=1),
                 nn.Conv2d(16, 16, 3, padding=1)]
        fc = nn.Linear(16 * 3 * 3, n_out)
        return [t.detach().clone() for m in convs + [fc] for t in (m.weight, m.bias)]

    @staticmethod
    def init_head(n_out):
        m = nn.Linear(16 * 3 * 3, n_out)
        return [m.weight.detach().clone(), m.bias.detach().clone()]

    @staticmethod
    def body(p, x):
        for i in range(0, 6, 2):
            x = F.max_pool2d(F.relu(F.conv2d(x, p[i], p[i + 1], padding=1)), 2, 2)
        return x.flatten(1)

    @staticmethod
    def loss(out, y):
        return F.cross_entropy(out, y)

    @staticmethod
    def score(out, y):
        return 100.0 * (out.argmax(1) == y).sum().item() / len(y)

    def pretrain_batches(self, rng):
        x = np.concatenate(self.train_pool)
        y = np.concatenate([np.full(len(p), c) for c, p in enumerate(self.train_pool)])
        while True:  # epochs of a fresh permutation, batches of 64 (a short last batch dropped)
            perm = rng.permutation(len(x))
            for s in range(0, len(x) - PRETRAIN_BATCH + 1, PRETRAIN_BATCH):
                idx = perm[s:s + PRETRAIN_BATCH]
                yield torch.from_numpy(x[idx]), torch.from_numpy(y[idx])


def head(p, h):
    return F.linear(h, p[0], p[1])


def forward(bench, p, x):
    return head(p[bench.n_body:], bench.body(p[:bench.n_body], x))


# ------------------------------------------------------------------------------- learner
def sgd(loss_of, params, steps, lrs, create_graph):
    """`steps` plain SGD steps p <- p - lr * grad from `params` (lrs: floats or tensors)."""
    for _ in range(steps):
        grads = torch.autograd.grad(loss_of(params), params, create_graph=create_graph)
        params = [p - lr * g for p, lr, g in zip(params, lrs, grads)]
    return params


class Learner:
    def __init__(self, method, bench, args):
        self.method, self.bench, self.args = method, bench, args
        n_out = 1 if bench.name == "sinusoid" else (6 if method == "pretrain" else bench.ways)
        self.theta = [t.requires_grad_() for t in bench.init_params(n_out)]
        if method == "protonet":
            self.theta = self.theta[:bench.n_body]
        self.alpha = []
        if method == "metasgd":
            self.alpha = [torch.full_like(t, args.inner_lr).requires_grad_() for t in self.theta]
        self.meta_params = self.theta + self.alpha
        self.opt = (torch.optim.Adam(self.meta_params, lr=args.meta_lr)
                    if method != "scratch" else None)
        self.rng = np.random.default_rng(args.seed)
        self.batches = (bench.pretrain_batches(self.rng)
                        if method == "pretrain" and bench.name == "fashion" else None)

    # one task: (query loss, gradient of every meta-parameter)
    def task_grads(self, task):
        b, m, a = self.bench, self.method, self.args
        xs, ys, xq, yq = task
        lrs = [a.inner_lr] * len(self.theta)
        if m == "maml":
            phi = sgd(lambda p: b.loss(forward(b, p, xs), ys), self.theta, a.inner_steps, lrs, True)
            loss = b.loss(forward(b, phi, xq), yq)
            return loss.item(), torch.autograd.grad(loss, self.theta)
        if m == "fomaml":
            start = [t.detach().requires_grad_() for t in self.theta]
            phi = sgd(lambda p: b.loss(forward(b, p, xs), ys), start, a.inner_steps, lrs, False)
            phi = [t.detach().requires_grad_() for t in phi]
            loss = b.loss(forward(b, phi, xq), yq)
            return loss.item(), torch.autograd.grad(loss, phi)
        if m == "reptile":
            start = [t.detach().requires_grad_() for t in self.theta]
            phi = sgd(lambda p: b.loss(forward(b, p, xs), ys), start, a.inner_steps, lrs, False)
            with torch.no_grad():
                loss = b.loss(forward(b, phi, xq), yq)
                return loss.item(), [t - f for t, f in zip(self.theta, phi)]
        if m == "metasgd":
            phi = sgd(lambda p: b.loss(forward(b, p, xs), ys), self.theta, a.inner_steps,
                      self.alpha, True)
            loss = b.loss(forward(b, phi, xq), yq)
            grads = torch.autograd.grad(loss, self.meta_params, allow_unused=True)
            return loss.item(), [torch.zeros_like(p) if g is None else g
                                 for p, g in zip(self.meta_params, grads)]
        if m == "anil":
            nb = b.n_body
            fs, fq = b.body(self.theta[:nb], xs), b.body(self.theta[:nb], xq)
            h = sgd(lambda p: b.loss(head(p, fs), ys), self.theta[nb:], a.inner_steps,
                    lrs[nb:], True)
            loss = b.loss(head(h, fq), yq)
            return loss.item(), torch.autograd.grad(loss, self.theta)
        if m == "protonet":
            loss = b.loss(protonet_logits(b, self.theta, xs, xq), yq)
            return loss.item(), torch.autograd.grad(loss, self.theta)
        raise AssertionError(m)

    def meta_step(self):
        """One meta-iteration; returns its mean training loss."""
        b, a = self.bench, self.args
        if self.method == "pretrain":
            if self.batches is not None:
                x, y = next(self.batches)
            else:
                x, y = b.pretrain_batch(self.rng, a.meta_batch)
            loss = b.loss(forward(b, self.theta, x), y)
            grads = torch.autograd.grad(loss, self.theta)
            for p, g in zip(self.theta, grads):
                p.grad = g
            self.opt.step()
            return loss.item()
        acc = [torch.zeros_like(p) for p in self.meta_params]
        total = 0.0
        for _ in range(a.meta_batch):
            loss, grads = self.task_grads(b.train_task(self.rng))
            total += loss
            for s, g in zip(acc, grads):
                s.add_(g)
        for p, s in zip(self.meta_params, acc):
            p.grad = s / a.meta_batch
        self.opt.step()
        return total / a.meta_batch


def protonet_logits(bench, body_params, xs, xq):
    es, eq = bench.body(body_params, xs), bench.body(body_params, xq)
    protos = es.reshape(bench.ways, bench.shots, -1).mean(1)  # support is grouped by label
    return -((eq.unsqueeze(1) - protos.unsqueeze(0)) ** 2).sum(-1)


# ------------------------------------------------------------------------------- evaluation
def adapt_scores(bench, fwd, params, lrs, x_s, y_s, x_q, y_q, checkpoints, adam_lr=None):
    """Fine-tune `params` (SGD with `lrs`, or Adam(adam_lr)) on (x_s, y_s) with fwd(params, x);
    return {steps: score on the queries} for every steps in `checkpoints` (0 = before)."""
    params = [p.detach().clone().requires_grad_() for p in params]
    opt = torch.optim.Adam(params, lr=adam_lr) if adam_lr is not None else None
    out = {}
    for step in range(max(checkpoints) + 1):
        if step in checkpoints:
            with torch.no_grad():
                out[step] = bench.score(fwd(params, x_q), y_q)
        if step == max(checkpoints):
            break
        grads = torch.autograd.grad(bench.loss(fwd(params, x_s), y_s), params)
        with torch.no_grad():
            if opt is None:
                for p, lr, g in zip(params, lrs, grads):
                    p.sub_(lr * g)
            else:
                for p, g in zip(params, grads):
                    p.grad = g
                opt.step()
    return out


def evaluate(learner, bench, args):
    """{setting name: {steps: [per-episode score]}} over the test episodes."""
    m, nb = learner.method, bench.n_body
    rng = np.random.default_rng(args.seed + EVAL_SEED_OFFSET)
    n_out = 1 if bench.name == "sinusoid" else bench.ways
    sgd_checks = sorted(set(args.eval_steps) | {0})
    full = lambda p, x: forward(bench, p, x)
    res = {}

    def add(name, scores):
        for s, v in scores.items():
            res.setdefault(name, {}).setdefault(s, []).append(v)

    for _ in range(args.episodes):
        xs, ys, xq, yq = bench.test_task(rng)
        if m == "protonet":
            with torch.no_grad():
                add(m, {0: bench.score(protonet_logits(bench, learner.theta, xs, xq), yq)})
            continue
        if m == "anil":
            with torch.no_grad():
                fs, fq = bench.body(learner.theta[:nb], xs), bench.body(learner.theta[:nb], xq)
            add(m, adapt_scores(bench, head, learner.theta[nb:], [args.inner_lr] * 2,
                                fs, ys, fq, yq, sgd_checks))
            continue
        if m == "scratch":
            params = bench.init_params(n_out)
            add(m, adapt_scores(bench, full, params, [args.inner_lr] * len(params),
                                xs, ys, xq, yq, sgd_checks))
            if bench.name == "fashion":
                add("scratch-adam50", adapt_scores(bench, full, params, None, xs, ys, xq, yq,
                                                   [0, ADAM50_STEPS], adam_lr=ADAM50_LR))
            continue
        if m == "pretrain" and bench.name == "fashion":
            new_head = bench.init_head(n_out)
            params = [t.detach() for t in learner.theta[:nb]] + new_head
            add(m, adapt_scores(bench, full, params, [args.inner_lr] * len(params),
                                xs, ys, xq, yq, sgd_checks))
            with torch.no_grad():
                fs, fq = bench.body(learner.theta[:nb], xs), bench.body(learner.theta[:nb], xq)
            add("pretrain-adam50", adapt_scores(bench, head, new_head, None, fs, ys, fq, yq,
                                                [0, ADAM50_STEPS], adam_lr=ADAM50_LR))
            continue
        lrs = learner.alpha if m == "metasgd" else [args.inner_lr] * len(learner.theta)
        lrs = [lr.detach() if torch.is_tensor(lr) else lr for lr in lrs]
        add(m, adapt_scores(bench, full, learner.theta, lrs, xs, ys, xq, yq, sgd_checks))
    return res


def ci95(values):
    # A diverged episode (inf or NaN, e.g. Meta-SGD's learned rates stepped many times) makes the
    # interval undefined: reported as null, with the mean as numpy gives it.
    if len(values) < 2 or not all(math.isfinite(v) for v in values):
        return None
    return 1.96 * statistics.stdev(values) / math.sqrt(len(values))


# ------------------------------------------------------------------------------- main
def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--method", required=True, choices=METHODS)
    ap.add_argument("--benchmark", required=True, choices=("sinusoid", "fashion"))
    ap.add_argument("--shots", required=True, type=int)
    ap.add_argument("--ways", type=int)
    ap.add_argument("--iterations", type=int)
    ap.add_argument("--meta-batch", type=int)
    ap.add_argument("--inner-lr", type=float)
    ap.add_argument("--inner-steps", type=int)
    ap.add_argument("--meta-lr", type=float)
    ap.add_argument("--eval-steps")
    ap.add_argument("--episodes", type=int)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--fashion-dir", default=FASHION_DIR)
    ap.add_argument("--time-only", action="store_true")
    a = ap.parse_args(argv)
    for k, v in DEFAULTS[a.benchmark].items():
        if getattr(a, k, None) is None:
            setattr(a, k, v)
    if a.benchmark == "sinusoid":
        if a.ways is not None:
            print("fewshot_reference: --ways is ignored for sinusoid", file=sys.stderr)
        a.ways = None
    if a.inner_steps is None:
        a.inner_steps = 5 if a.method == "reptile" else 1
    a.eval_steps = [int(s) for s in str(a.eval_steps).split(",") if s.strip()]
    if a.method == "protonet" and a.benchmark == "sinusoid":
        print("fewshot_reference: protonet is not defined for the sinusoid benchmark",
              file=sys.stderr)
        sys.exit(2)
    bad = [n for n in ("shots", "iterations", "meta_batch", "episodes", "threads")
           if getattr(a, n) < 1] + (["ways"] if a.ways is not None and a.ways < 2 else [])
    bad += ["inner_steps"] if a.inner_steps < 0 else []
    bad += ["eval_steps"] if not a.eval_steps or min(a.eval_steps) < 0 else []
    if bad:
        ap.error("invalid " + ", ".join("--" + n.replace("_", "-") for n in bad))
    return a


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    try:  # numpy's BLAS too (it does little here)
        from threadpoolctl import threadpool_limits
        threadpool_limits(args.threads)
    except ImportError:
        pass
    torch.manual_seed(args.seed)
    if args.benchmark == "sinusoid":
        bench = Sinusoid(args.shots)
    else:
        bench = Fashion(args.shots, args.ways, args.fashion_dir, need_train=args.method != "scratch")
    learner = Learner(args.method, bench, args)
    tag = f"[{args.method} {args.benchmark} K={args.shots}" + \
        (f" N={args.ways}]" if args.ways else "]")

    if args.time_only:
        per_it = None
        if args.method == "scratch":
            print(f"{tag} scratch has no meta-iterations", file=sys.stderr)
        else:
            for _ in range(3):
                learner.meta_step()
            times = []
            for _ in range(20):
                t0 = time.perf_counter()
                learner.meta_step()
                times.append(time.perf_counter() - t0)
            per_it = statistics.median(times)
        print(json.dumps({"method": args.method, "benchmark": args.benchmark, "shots": args.shots,
                          "ways": args.ways, "threads": args.threads,
                          "seconds_per_iteration": per_it}), flush=True)
        return 0

    iterations = 0 if args.method == "scratch" else args.iterations
    every = max(1, iterations // 10)
    t0 = time.perf_counter()
    window = []
    for it in range(1, iterations + 1):
        window.append(learner.meta_step())
        if it % every == 0 or it == iterations:
            print(f"{tag} iteration {it}/{iterations} loss {sum(window) / len(window):.5f} "
                  f"({time.perf_counter() - t0:.1f} s)", file=sys.stderr, flush=True)
            window = []
    train_seconds = time.perf_counter() - t0

    results = evaluate(learner, bench, args)
    for name, by_steps in results.items():
        before = by_steps.get(0) if args.method != "protonet" else None
        steps_list = [0] if args.method == "protonet" else (
            [ADAM50_STEPS] if name.endswith("-adam50") else args.eval_steps)
        for steps in steps_list:
            vals = by_steps[steps]
            print(json.dumps({
                "method": name, "benchmark": args.benchmark, "shots": args.shots,
                "ways": args.ways, "steps": steps, "episodes": len(vals),
                bench.metric: float(np.mean(vals)), "ci95": ci95(vals),
                "before_adaptation": float(np.mean(before)) if before is not None else None,
                "train_seconds": train_seconds,
                "seconds_per_iteration": train_seconds / iterations if iterations else None,
                "threads": args.threads, "iterations": iterations, "seed": args.seed,
            }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
