"""Training speed of ``desktop_app.model.network`` against plain NumPy (and torch, if present).

Run from the repository root:

    /work/venv/bin/python tests/benchmarks/bench_training.py            # about a minute
    /work/venv/bin/python tests/benchmarks/bench_training.py --quick    # a few seconds
    /work/venv/bin/python tests/benchmarks/bench_training.py --optimizer sgd   # plain SGD

It is a script, not a pytest test (speed is never asserted in the suite). Every row trains
a network with tanh hidden layers and one linear output on 500 two-dimensional points (the
"xor" set) with Adam (lr 0.01) and the binary cross-entropy, in float64, and prints epochs
per second for:

- ``network``: ``Network.train_epoch``;
- ``plain``: a straightforward vectorised NumPy loop written below — index a shuffled
  batch, forward through a list of (W, b), backward, and ``opt.step`` on the nested list of
  (W, b) with the app's own Adam, exactly as one would first write it;
- ``plain+adam``: the same loop with Adam written out inline per array instead of the
  app's optimizer (a tougher baseline: no generic optimizer machinery at all);
- ``torch``: the same training with ``torch.optim.Adam`` on CPU, one thread, float64
  ("n/a" when torch is not installed).

The ratio columns are network ÷ baseline. All columns run in the same process, one after
the other, each timed as the best of a few repeats. Run it on a quiet machine: other busy
processes distort small timings (OpenBLAS worker threads suffer most; to pin NumPy's BLAS
to one thread, as the torch column is, prefix the command with OPENBLAS_NUM_THREADS=1).
"""

# X, T, W, A, B, L: the usual mathematical names (inputs, targets, weights, grids).
# ruff: noqa: N803, N806

from __future__ import annotations

import argparse
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from desktop_app.model import datasets, optimizers
from desktop_app.model.network import Network

try:
    import torch
except ImportError:  # torch is optional
    torch = None

LR = 0.01
CONFIGS = (
    ((2, 8, 8, 1), 10),
    ((2, 8, 8, 1), 500),
    ((2, 32, 32, 32, 1), 10),
    ((2, 32, 32, 32, 1), 500),
)


# --------------------------------------------------------------------------------------
# The baseline: a plain, straightforward vectorised NumPy implementation
# --------------------------------------------------------------------------------------


def _sigmoid(y):
    return 1.0 / (1.0 + np.exp(-y))


def plain_init(sizes, seed=0):
    """Glorot-uniform weights and zero biases, drawn like Network's."""
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        r = math.sqrt(6.0 / (n_in + n_out))
        params.append((rng.uniform(-r, r, size=(n_in, n_out)), np.zeros(n_out)))
    return params


def plain_loss_and_grads(params, x, t):
    """tanh hidden layers, linear output, binary cross-entropy; mean over the batch."""
    activations = [x]
    a = x
    for w, b in params[:-1]:
        a = np.tanh(a @ w + b)
        activations.append(a)
    w, b = params[-1]
    y = a @ w + b
    m = x.shape[0]
    loss = float(np.mean(np.logaddexp(0.0, y) - t * y))
    d = (_sigmoid(y) - t) / m
    grads = []
    for k in range(len(params) - 1, -1, -1):
        a_prev = activations[k]
        grads.append((a_prev.T @ d, d.sum(axis=0)))
        if k > 0:
            d = (d @ params[k][0].T) * (1.0 - a_prev**2)
    grads.reverse()
    return loss, grads


def plain_epoch(params, X, T, opt, batch_size, rng):
    n = X.shape[0]
    order = rng.permutation(n)
    total = 0.0
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]
        loss, grads = plain_loss_and_grads(params, X[idx], T[idx])
        params = opt.step(params, grads)
        total += loss * len(idx)
    return params, total / n


class InlineSGD:
    """Plain gradient descent written out per array."""

    def __init__(self, params, lr=LR):
        self.lr = lr

    def step(self, params, grads):
        return [tuple(p - self.lr * g for p, g in zip(pair, gpair, strict=True))
                for pair, gpair in zip(params, grads, strict=True)]


class InlineAdam:
    """Adam written out per array (same formula and defaults as the app's and torch's)."""

    def __init__(self, params, lr=LR, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.b1, self.b2, self.eps = lr, beta1, beta2, eps
        self.m = [np.zeros_like(p) for pair in params for p in pair]
        self.v = [np.zeros_like(p) for pair in params for p in pair]
        self.t = 0

    def step(self, params, grads):
        self.t += 1
        b1, b2, t = self.b1, self.b2, self.t
        step_size = self.lr / (1.0 - b1**t)
        root = math.sqrt(1.0 - b2**t)
        out = []
        i = 0
        for pair, gpair in zip(params, grads, strict=True):
            new = []
            for p, g in zip(pair, gpair, strict=True):
                self.m[i] = b1 * self.m[i] + (1.0 - b1) * g
                self.v[i] = b2 * self.v[i] + (1.0 - b2) * (g * g)
                new.append(p - step_size * (self.m[i] / (np.sqrt(self.v[i]) / root + self.eps)))
                i += 1
            out.append(tuple(new))
        return out


# --------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------


def _rate(run_epochs, budget: float, repeats: int = 3) -> float:
    """Best epochs/s over ``repeats`` runs of about ``budget`` seconds each."""
    run_epochs(1)  # warm up (buffers, caches)
    best = 0.0
    for _ in range(repeats):
        epochs = 1
        while True:
            t0 = time.perf_counter()
            run_epochs(epochs)
            elapsed = time.perf_counter() - t0
            if elapsed >= budget / 4:
                break
            epochs *= 2
        target = max(1, int(epochs * budget / elapsed))
        t0 = time.perf_counter()
        run_epochs(target)
        best = max(best, target / (time.perf_counter() - t0))
    return best


OPTIMIZER = {"name": "adam"}  # set from the command line


def _app_optimizer():
    return optimizers.make("gd" if OPTIMIZER["name"] == "sgd" else "adam", LR)


def bench_network(sizes, batch, X, T, budget):
    net = Network(sizes, ["tanh"] * (len(sizes) - 2) + ["linear"], seed=0)
    opt = _app_optimizer()
    rng = np.random.default_rng(1)

    def run(epochs):
        for _ in range(epochs):
            net.train_epoch(X, T, opt, "cross_entropy", batch, rng)

    return _rate(run, budget)


def bench_plain(sizes, batch, X, T, budget, inline_adam=False):
    state = {"params": plain_init(sizes)}
    inline = InlineSGD if OPTIMIZER["name"] == "sgd" else InlineAdam
    opt = inline(state["params"]) if inline_adam else _app_optimizer()
    rng = np.random.default_rng(1)

    def run(epochs):
        for _ in range(epochs):
            state["params"], _ = plain_epoch(state["params"], X, T, opt, batch, rng)

    return _rate(run, budget)


def bench_torch(sizes, batch, X, T, budget):
    if torch is None:
        return None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    layers = []
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(torch.nn.Linear(n_in, n_out, dtype=torch.float64))
        if k < len(sizes) - 2:
            layers.append(torch.nn.Tanh())
    model = torch.nn.Sequential(*layers)
    torch_optimizer = torch.optim.SGD if OPTIMIZER["name"] == "sgd" else torch.optim.Adam
    opt = torch_optimizer(model.parameters(), lr=LR)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    xt = torch.tensor(X)  # a copy: the data set's arrays are read-only
    tt = torch.tensor(T)
    n = X.shape[0]
    gen = torch.Generator().manual_seed(1)

    def run(epochs):
        for _ in range(epochs):
            order = torch.randperm(n, generator=gen)
            for start in range(0, n, batch):
                idx = order[start:start + batch]
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(xt[idx]), tt[idx])
                loss.backward()
                opt.step()

    return _rate(run, budget)


def _fmt_rate(value) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def measure(budget: float = 1.0, optimizer: str = "adam", configs=CONFIGS, inline: bool = True,
            on_row=None) -> dict:
    """Epochs per second for every (sizes, batch) in ``configs``; ``on_row(row)`` sees each
    row as soon as it is measured (a long run shows progress)."""
    OPTIMIZER["name"] = optimizer
    data = datasets.make("xor", 500, 0.0, seed=0)
    X, T = data.X, data.T
    rows = []
    for sizes, batch in configs:
        row = {
            "sizes": list(sizes),
            "batch": batch,
            "network": bench_network(sizes, batch, X, T, budget),
            "plain": bench_plain(sizes, batch, X, T, budget),
            "plain_inline": (bench_plain(sizes, batch, X, T, budget, inline_adam=True)
                             if inline else None),
            "torch": bench_torch(sizes, batch, X, T, budget),
        }
        rows.append(row)
        if on_row is not None:
            on_row(row)
    return {
        "points": int(X.shape[0]),
        "optimizer": optimizer,
        "budget_s": budget,
        "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "unset"),
        "numpy": np.__version__,
        "torch": None if torch is None else torch.__version__,
        "rows": rows,
    }


def _ratio(ours, other) -> str:
    return "n/a" if other is None else f"{ours / other:.2f}"


def _print_row(row: dict) -> None:
    ours = row["network"]
    name = "-".join(str(s) for s in row["sizes"])
    print(f"{name:<16} {row['batch']:>5} {_fmt_rate(ours):>10} {_fmt_rate(row['plain']):>10} "
          f"{_ratio(ours, row['plain']):>6} {_fmt_rate(row['plain_inline']):>10} "
          f"{_ratio(ours, row['plain_inline']):>6} {_fmt_rate(row['torch']):>10} "
          f"{_ratio(ours, row['torch']):>6}", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short timings (a few seconds)")
    parser.add_argument("--optimizer", choices=("adam", "sgd"), default="adam")
    args = parser.parse_args(argv)
    header = (f"{'network':<16} {'batch':>5} {'network':>10} {'plain':>10} {'ratio':>6} "
              f"{'plain+adam':>10} {'ratio':>6} {'torch':>10} {'ratio':>6}")
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    print(f"epochs per second, 500 points, {args.optimizer}, binary cross-entropy, float64 "
          f"(OPENBLAS_NUM_THREADS={threads}, numpy {np.__version__})")
    print(header)
    print("-" * len(header))
    measure(0.15 if args.quick else 1.0, args.optimizer, on_row=_print_row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
