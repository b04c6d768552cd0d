"""A multilayer network of neurons that learns its constants: the model of the network tab.

A neuron takes the outputs of the layer before it, multiplies each by a weight, adds a
bias and passes the sum through its activation ``nl``:  nl(w1·x + w2·y + w3·z + b).
``Network`` is a stack of such layers, written in plain NumPy (float64 throughout).

Layers are numbered as in ``layer_sizes``: layer 0 is the inputs, layers 1 … L−1 are the
hidden layers and layer L is the output layer. Methods that take a ``layer`` use that
numbering, and every human label counts the same way ("layer 1" is the first hidden
layer). Neurons inside a layer are indexed from 0 in the API and counted from 1 in labels.

Parameters
    ``params`` is a list with one ``(W, b)`` per layer 1 … L: ``W`` of shape
    (n_in, n_out), ``b`` of shape (n_out,), so a layer computes ``z = a @ W + b`` and
    ``a' = nl(z)``. They are the *live* arrays: writing into them changes the network, and
    training writes its new values into them in place, so a view holding a reference sees
    every step. All parameters live in one flat float64 vector (``flat``), in this order:
    for each layer, ``W`` row by row (input i to all neurons, for i = 0, 1, …), then ``b``.
    ``weight_names()`` labels that order; ``get_flat()``/``set_flat()`` copy it out and in.

Initialisation (deterministic from ``seed``, drawn layer by layer with
``np.random.default_rng(seed)``)
    weights ~ Uniform(−r, r) with r = √(6 / (n_in + n_out)) (Glorot/Xavier) for layers
    whose activation is "linear", "tanh" or "sigmoid", and r = √(6 / n_in) (He) for "relu";
    every bias starts at 0.

Activations: "linear" (z), "relu" (max(z, 0)), "tanh", "sigmoid" (1 / (1 + e⁻ᶻ)). A single
name applies to *every* layer, the output layer included (as in the article, where every
neuron, n8 too, has its nl); pass a list with one name per layer for anything else, e.g.
``["tanh", "tanh", "linear"]`` for regression or classification.

Losses, on the network's output y (n×k) and targets t (n×k), averaged over the n samples:
    "mse":            L = (1/n) Σ_samples ½ Σ_k (y_k − t_k)²
    "cross_entropy":  L = (1/n) Σ_samples −Σ_k t_k · log softmax(y)_k   (one-hot t; the
                      outputs y are the logits, so the output layer is normally "linear")
                      with a single output, the binary form with σ(y) the probability of
                      class 1:  −[t · log σ(y) + (1 − t) · log(1 − σ(y))]
                      = log(1 + eʸ) − t·y, computed with ``np.logaddexp`` (and the softmax
                      form with log-sum-exp), so no logit overflows.
    Regularisation adds, over the weights W of every layer and never the biases,
        l1 · Σ|W|  +  ½ · l2 · Σ W²
    whose gradient is l1 · sign(W) + l2 · W (the sign of 0 taken as 0).

Training (``train_step``, ``train_epoch``, ``train``) hands the optimizer the gradient of
the flat parameter vector: ``optimizer.step(flat, gradient)``, one array of
``parameter_count`` numbers. The update rules are element by element, so this is the same
arithmetic as stepping the nested ``[(W, b), …]`` list, just with one array instead of 2L.
An optimizer used here therefore remembers a flat vector; call its ``reset()`` before using
it for a different network.

Nothing here ever emits a NumPy warning: a network trained with a huge learning rate
simply fills with inf/nan. ``train_step`` then returns a non-finite loss and ``diverged``
is True; the view says "diverged".
"""

# X, T, W, A, B, L: the usual mathematical names (inputs, targets, weights, grids).
# ruff: noqa: N803, N806

from __future__ import annotations

import copy as _copy
import math
from collections.abc import Sequence

import numpy as np

__all__ = [
    "ACTIVATIONS",
    "ARTICLE_NETWORK",
    "LOSSES",
    "ConvergenceMonitor",
    "Network",
    "article_network",
]

ACTIVATIONS = ("linear", "relu", "tanh", "sigmoid")
LOSSES = ("mse", "cross_entropy")

# The article's network: inputs x, y, z; two hidden layers of three neurons (n1…n3 and
# n4…n6); one output neuron (n8 in the article).
ARTICLE_NETWORK = (3, 3, 3, 1)

MAX_LAYER_SIZE = 4096
MAX_LAYERS = 64

_MINUS = "\u2212"
_DOT = "\u00b7"

# Work buffers kept for at most this many different batch sizes.
_WORKSPACE_CACHE = 4
# The loss landscape evaluates grid points in chunks of at most this many numbers per layer.
_LANDSCAPE_CHUNK = 1 << 21


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------


def _check_sizes(layer_sizes) -> tuple[int, ...]:
    try:
        sizes = list(layer_sizes)
    except TypeError:
        raise ValueError(
            f"layer_sizes must be a list of whole numbers like [2, 8, 1], got {layer_sizes!r}"
        ) from None
    if len(sizes) < 2:
        raise ValueError(
            "a network needs at least two layers: the inputs and the outputs "
            f"(got {sizes!r})"
        )
    if len(sizes) > MAX_LAYERS + 1:
        raise ValueError(f"a network can have at most {MAX_LAYERS} layers after the inputs")
    out = []
    for position, size in enumerate(sizes):
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
            if isinstance(size, (float, np.floating)) and float(size).is_integer():
                size = int(size)
            else:
                raise ValueError(
                    f"layer {position} must have a whole number of neurons, got {size!r}"
                )
        if not 1 <= size <= MAX_LAYER_SIZE:
            raise ValueError(
                f"layer {position} must have between 1 and {MAX_LAYER_SIZE} neurons, got {size}"
            )
        out.append(int(size))
    return tuple(out)


def _check_activation(name, layer: int) -> str:
    key = str(name).strip().lower() if isinstance(name, str) else name
    if key not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {name!r} for layer {layer}; choose one of "
            f"{', '.join(ACTIVATIONS)}"
        )
    return key


def _check_activations(activations, n_layers: int) -> tuple[str, ...]:
    if isinstance(activations, str):
        return tuple(_check_activation(activations, k) for k in range(1, n_layers + 1))
    try:
        names = list(activations)
    except TypeError:
        raise ValueError(
            f"activations must be a name or a list of names, got {activations!r}"
        ) from None
    if len(names) != n_layers:
        raise ValueError(
            f"give one activation for every layer after the inputs: {n_layers} needed, "
            f"got {len(names)}"
        )
    return tuple(_check_activation(name, k) for k, name in enumerate(names, start=1))


def _check_kind(kind) -> str:
    if kind not in LOSSES:
        raise ValueError(f"unknown loss {kind!r}; choose 'mse' or 'cross_entropy'")
    return kind


def _check_penalty(value, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None
    if not (math.isfinite(number) and number >= 0):
        raise ValueError(f"{what} must be a number of at least 0, got {value!r}")
    return number


def _input_names(n: int) -> tuple[str, ...]:
    if n <= 3:
        return ("x", "y", "z")[:n]
    return tuple(f"x{i}" for i in range(1, n + 1))


def _number(value: float, digits: int) -> tuple[bool, str]:
    """(negative, text of the magnitude) with ``digits`` decimals; −0.00 counts as 0.00."""
    text = f"{abs(value):.{digits}f}"
    negative = value < 0 and float(text) != 0.0
    if math.isnan(value):
        return False, "nan"
    if math.isinf(value):
        return value < 0, "∞"
    return negative, text


# --------------------------------------------------------------------------------------
# Activations, in place on preallocated buffers
# --------------------------------------------------------------------------------------


def _activate(name: str, z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """out = nl(z) (``out`` may be ``z``); the caller holds np.errstate."""
    if name == "tanh":
        np.tanh(z, out=out)
    elif name == "relu":
        np.maximum(z, 0.0, out=out)
    elif name == "sigmoid":
        # 1 / (1 + e^(−z)): accurate everywhere; e^(−z) = inf gives exactly 0.
        np.negative(z, out=out)
        np.exp(out, out=out)
        np.add(out, 1.0, out=out)
        np.reciprocal(out, out=out)
    elif out is not z:
        np.copyto(out, z)
    return out


def _activated(name: str, z: np.ndarray) -> np.ndarray:
    """nl(z) as a new array (z is left alone)."""
    return _activate(name, z, np.empty_like(z))


def _times_derivative(name: str, a: np.ndarray, d: np.ndarray, tmp: np.ndarray) -> None:
    """d ← d · nl'(z), written in terms of the activation a = nl(z); ``tmp`` is scratch."""
    if name == "tanh":  # d · (1 − a²), as d − d · a²: three array operations, no scalar
        np.multiply(a, a, out=tmp)
        np.multiply(tmp, d, out=tmp)
        np.subtract(d, tmp, out=d)
    elif name == "sigmoid":  # a · (1 − a)
        np.subtract(1.0, a, out=tmp)
        np.multiply(tmp, a, out=tmp)
        np.multiply(d, tmp, out=d)
    elif name == "relu":  # 1 where z > 0 (a > 0), else 0
        np.greater(a, 0.0, out=tmp)  # written as 1.0 / 0.0 into the float scratch
        np.multiply(d, tmp, out=d)


# --------------------------------------------------------------------------------------
# Losses on any leading shape: y, t of shape (..., n, k); results of shape (...)
# --------------------------------------------------------------------------------------


def _loss_values(y: np.ndarray, t: np.ndarray, kind: str) -> np.ndarray:
    n = y.shape[-2]
    if kind == "mse":
        d = y - t
        return 0.5 * np.einsum("...nk,...nk->...", d, d) / n
    if y.shape[-1] == 1:  # binary: log(1 + e^y) − t·y
        per = np.logaddexp(0.0, y) - t * y
        return per.sum(axis=(-2, -1)) / n
    top = y.max(axis=-1, keepdims=True)
    lse = top[..., 0] + np.log(np.exp(y - top).sum(axis=-1))
    per = lse * t.sum(axis=-1) - (t * y).sum(axis=-1)
    return per.sum(axis=-1) / n


# --------------------------------------------------------------------------------------
# Work buffers for one batch size
# --------------------------------------------------------------------------------------


class _Workspace:
    """Preallocated arrays for forward and backward passes over ``m`` samples.

    Samples run along the columns: every activation is (neurons × m), so one layer's
    activations are one contiguous block and the element-wise work (tanh and its
    derivative) runs on unit-stride memory, about three times faster at mini-batch sizes
    than on the every-other-row view a (m × neurons + 1) layout would give.

    Each workspace has its own gradient buffer (flat, in the parameters' order, with
    ``gaug`` its per-layer views), so a gradient computed for a picture while training
    runs elsewhere never writes into the training's buffers.
    """

    def __init__(self, sizes: tuple[int, ...], m: int, offsets) -> None:
        n_layers = len(sizes) - 1
        self.m = m
        total = int(offsets[-1])
        self.grad = np.zeros(total)
        self.scratch = np.empty(total)
        self.gaug = [
            self.grad[int(offsets[k - 1]):int(offsets[k])].reshape(sizes[k - 1] + 1, sizes[k])
            for k in range(1, n_layers + 1)
        ]
        # Inputs with a row of ones below: the bias is the last row of W_aug.
        self.inp = np.empty((sizes[0] + 1, m))
        self.inp[-1] = 1.0
        self.inp_x = self.inp[:-1]
        self.t = np.empty((sizes[-1], m))
        # Hidden activations, likewise with a row of ones (index 0 and L unused).
        self.aug: list = [None] * (n_layers + 1)
        self.act: list = [None] * (n_layers + 1)
        self.tmp: list = [None] * (n_layers + 1)
        self.da: list = [None] * (n_layers + 1)
        for k in range(1, n_layers):
            s = sizes[k]
            a = np.empty((s + 1, m))
            a[-1] = 1.0
            self.aug[k] = a
            self.act[k] = a[:-1]
            self.da[k] = np.empty((s, m))
            self.tmp[k] = np.empty((s, m))
        n_out = sizes[-1]
        self.z = np.empty((n_out, m))
        self.y = np.empty((n_out, m))
        self.ones = np.ones((n_out, m))  # sums as np.vdot: cheaper than .sum() when small
        self.dy = np.empty((n_out, m))
        self.spare = np.empty((n_out, m))


class _EpochBuffers:
    """The whole training set, one sample per column with a row of ones below, shuffled
    into place once per epoch."""

    def __init__(self, n: int, n_in: int, n_out: int) -> None:
        self.xa = np.empty((n_in + 1, n))
        self.xa[-1] = 1.0
        self.x = self.xa[:-1]
        self.t = np.empty((n_out, n))
        self._batches: dict[tuple[int, int], list] = {}

    def batches(self, m: int, end: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Views of the consecutive batches of ``m`` samples up to ``end`` (made once)."""
        views = self._batches.get((m, end))
        if views is None:
            views = self._batches[(m, end)] = [
                (self.xa[:, i:i + m], self.t[:, i:i + m]) for i in range(0, end, m)]
        return views


# --------------------------------------------------------------------------------------
# The network
# --------------------------------------------------------------------------------------


class Network:
    """A fully connected network; see the module docstring for every convention."""

    def __init__(self, layer_sizes, activations, seed: int = 0) -> None:
        self._sizes = _check_sizes(layer_sizes)
        self._acts = _check_activations(activations, len(self._sizes) - 1)
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise ValueError(f"the seed must be a whole number, got {seed!r}")
        self.seed = int(seed)
        self._build_storage()
        self._initialise(np.random.default_rng(self.seed))
        # Used by train_epoch when no generator is given, so runs repeat exactly.
        self.rng = np.random.default_rng(self.seed)

    # -- storage ------------------------------------------------------------------------

    def _build_storage(self) -> None:
        sizes = self._sizes
        counts = [(sizes[k - 1] + 1) * sizes[k] for k in range(1, len(sizes))]
        self._offsets = np.concatenate([[0], np.cumsum(counts)]).astype(int)
        total = int(self._offsets[-1])
        self._flat = np.zeros(total)
        self._waug: list[np.ndarray] = []   # (n_in + 1, n_out): W with b as its last row
        self._waug_t: list[np.ndarray] = []
        self._w: list[np.ndarray] = []
        self._b: list[np.ndarray] = []
        mask = np.zeros(total)
        for k in range(1, len(sizes)):
            lo, hi = int(self._offsets[k - 1]), int(self._offsets[k])
            shape = (sizes[k - 1] + 1, sizes[k])
            waug = self._flat[lo:hi].reshape(shape)
            self._waug.append(waug)
            self._waug_t.append(waug.T)
            self._w.append(waug[:-1])
            self._b.append(waug[-1])
            mask[lo:hi - sizes[k]] = 1.0
        self._weight_mask = mask
        self._params = [(w, b) for w, b in zip(self._w, self._b, strict=True)]
        self._workspaces: dict[int, _Workspace] = {}
        self._epoch: _EpochBuffers | None = None

    def _initialise(self, rng: np.random.Generator) -> None:
        for k, (w, b) in enumerate(self._params, start=1):
            n_in, n_out = w.shape
            if self._acts[k - 1] == "relu":
                r = math.sqrt(6.0 / n_in)
            else:
                r = math.sqrt(6.0 / (n_in + n_out))
            w[...] = rng.uniform(-r, r, size=(n_in, n_out))
            b[...] = 0.0

    def _new_workspace(self, m: int) -> _Workspace:
        ws = _Workspace(self._sizes, m, self._offsets)
        # Each layer's arrays gathered once, so a step's loops only unpack tuples.
        last = self.n_layers
        ws.forward_plan = [(self._waug_t[k - 1], ws.act[k], ws.aug[k], self._acts[k - 1])
                           for k in range(1, last)]
        ws.backward_plan = [(ws.aug[k - 1], ws.gaug[k - 1], self._w[k - 1], ws.da[k - 1],
                             ws.act[k - 1], ws.tmp[k - 1], self._acts[k - 2])
                            for k in range(last, 1, -1)]
        return ws

    def _workspace(self, m: int) -> _Workspace:
        ws = self._workspaces.get(m)
        if ws is None:
            if len(self._workspaces) >= _WORKSPACE_CACHE:
                self._workspaces.pop(next(iter(self._workspaces)))
            ws = self._workspaces[m] = self._new_workspace(m)
        return ws

    # -- description ------------------------------------------------------------------------

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return self._sizes

    @property
    def activations(self) -> tuple[str, ...]:
        """One name per layer 1 … L (the output layer last)."""
        return self._acts

    @property
    def n_inputs(self) -> int:
        return self._sizes[0]

    @property
    def n_outputs(self) -> int:
        return self._sizes[-1]

    @property
    def n_layers(self) -> int:
        """Layers after the inputs (hidden layers + the output layer)."""
        return len(self._sizes) - 1

    @property
    def params(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """[(W, b) for layers 1 … L]: the live arrays (a new list each time, same arrays)."""
        return list(self._params)

    @property
    def flat(self) -> np.ndarray:
        """The live flat parameter vector (writing into it changes the network)."""
        return self._flat

    @property
    def parameter_count(self) -> int:
        return int(self._flat.size)

    @property
    def input_names(self) -> tuple[str, ...]:
        """x, y, z for up to three inputs, else x1, x2, …"""
        return _input_names(self._sizes[0])

    def neuron_names(self, layer: int) -> tuple[str, ...]:
        """Names of a layer's outputs: the inputs' names for layer 0, else h{layer}_1, …"""
        self._check_layer(layer, allow_inputs=True)
        if layer == 0:
            return self.input_names
        return tuple(f"h{layer}_{i}" for i in range(1, self._sizes[layer] + 1))

    @property
    def diverged(self) -> bool:
        """True once any parameter is inf or nan (training blew up).

        The loss usually overflows a few steps before the weights do, so a view should say
        "diverged" as soon as ``train_step``/``train_epoch`` returns a non-finite loss *or*
        this is True.
        """
        return not bool(np.isfinite(self._flat).all())

    def __repr__(self) -> str:
        return (f"Network({list(self._sizes)!r}, {list(self._acts)!r}, seed={self.seed})")

    # -- copies and flat access -------------------------------------------------------------

    def copy(self) -> Network:
        """An independent network with the same shape, activations and parameter values."""
        twin = Network(self._sizes, list(self._acts), seed=self.seed)
        np.copyto(twin._flat, self._flat)
        twin.rng = _copy.deepcopy(self.rng)
        return twin

    def get_flat(self) -> np.ndarray:
        """A copy of every parameter as one vector (order: see ``weight_names``)."""
        return self._flat.copy()

    def set_flat(self, values) -> None:
        """Write a vector from ``get_flat`` back into the live parameters."""
        v = np.asarray(values, dtype=np.float64)
        if v.shape != self._flat.shape:
            raise ValueError(
                f"expected {self._flat.size} parameter values, got an array of shape {v.shape}"
            )
        np.copyto(self._flat, v)

    def weight_names(self) -> list[str]:
        """A label for every entry of the flat vector, e.g. "layer 1: x → neuron 2"."""
        names = []
        for k in range(1, len(self._sizes)):
            sources = list(self.neuron_names(k - 1)) + ["bias"]
            for source in sources:
                for j in range(1, self._sizes[k] + 1):
                    names.append(f"layer {k}: {source} → neuron {j}")
        return names

    def flat_index(self, layer: int, source: int | None, neuron: int) -> int:
        """Position in the flat vector of W[source, neuron] of ``layer`` (None: the bias)."""
        self._check_layer(layer)
        n_in, n_out = self._sizes[layer - 1], self._sizes[layer]
        row = n_in if source is None else int(source)
        if not 0 <= row <= n_in or (source is not None and row == n_in):
            raise ValueError(f"layer {layer} has inputs 0 … {n_in - 1}, got {source!r}")
        if not 0 <= int(neuron) < n_out:
            raise ValueError(f"layer {layer} has neurons 0 … {n_out - 1}, got {neuron!r}")
        return int(self._offsets[layer - 1]) + row * n_out + int(neuron)

    def _locate(self, index: int) -> tuple[int, int, int]:
        """(layer, row of W_aug, neuron) of a flat index; row n_in is the bias."""
        k = int(np.searchsorted(self._offsets, index, side="right"))
        n_out = self._sizes[k]
        row, col = divmod(index - int(self._offsets[k - 1]), n_out)
        return k, row, col

    def to_dict(self) -> dict:
        """Plain data (lists and numbers) for saving; ``from_dict`` rebuilds the network."""
        return {
            "layer_sizes": list(self._sizes),
            "activations": list(self._acts),
            "seed": self.seed,
            "params": self._flat.tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Network:
        try:
            net = cls(data["layer_sizes"], data["activations"], seed=data.get("seed", 0))
            values = np.asarray(data["params"], dtype=np.float64)
        except (KeyError, TypeError) as err:
            raise ValueError(f"not a saved network: {err}") from None
        net.set_flat(values)
        return net

    def with_layer_sizes(self, layer_sizes, activations=None, seed: int | None = None) -> Network:
        """A new network of another shape that keeps this one's weights where they fit.

        For a student adding or removing a neuron: every layer present in both networks
        keeps the weights of the neurons (and inputs) present in both; new neurons get
        fresh weights from ``seed`` (default: this network's seed) and a zero bias.
        """
        if activations is None:
            new_sizes = _check_sizes(layer_sizes)
            n_new = len(new_sizes) - 1
            if n_new == self.n_layers:
                activations = list(self._acts)
            else:  # keep the hidden activation, and the output layer's own
                activations = [self._acts[0]] * (n_new - 1) + [self._acts[-1]]
        net = Network(layer_sizes, activations, seed=self.seed if seed is None else seed)
        for (w_new, b_new), (w_old, b_old) in zip(net._params, self._params, strict=False):
            r = min(w_new.shape[0], w_old.shape[0])
            c = min(w_new.shape[1], w_old.shape[1])
            w_new[:r, :c] = w_old[:r, :c]
            b_new[:c] = b_old[:c]
        return net

    # -- input checks -------------------------------------------------------------------------

    def _check_layer(self, layer, allow_inputs: bool = False) -> int:
        low = 0 if allow_inputs else 1
        if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) or not (
            low <= layer <= self.n_layers
        ):
            raise ValueError(
                f"layer must be a whole number from {low} to {self.n_layers}, got {layer!r}"
            )
        return int(layer)

    def _check_x(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        n_in = self._sizes[0]
        if X.ndim == 1 and n_in == 1:
            X = X.reshape(-1, 1)
        if X.ndim != 2 or X.shape[1] != n_in:
            raise ValueError(
                f"inputs must be an array of shape (n, {n_in}), got shape {X.shape}"
            )
        return X

    def _check_xt(self, X, T) -> tuple[np.ndarray, np.ndarray]:
        X = self._check_x(X)
        T = np.asarray(T, dtype=np.float64)
        n_out = self._sizes[-1]
        if T.ndim == 1 and n_out == 1:
            T = T.reshape(-1, 1)
        if T.ndim != 2 or T.shape != (X.shape[0], n_out):
            raise ValueError(
                f"targets must be an array of shape ({X.shape[0]}, {n_out}), got shape {T.shape}"
            )
        if X.shape[0] == 0:
            raise ValueError("there are no samples to compute a loss on")
        return X, T

    # -- forward ----------------------------------------------------------------------------

    def forward(self, X) -> np.ndarray:
        """The network's outputs (n × n_out) for inputs X (n × n_in); a new array."""
        X = self._check_x(X)
        with np.errstate(all="ignore"):
            return self._forward_plain(X)

    def _forward_plain(self, X: np.ndarray) -> np.ndarray:
        """Forward pass with only the arrays it returns (no shared buffers: safe to call
        from a view while training runs elsewhere); the caller holds np.errstate."""
        a = X
        for (w, b), name in zip(self._params, self._acts, strict=True):
            z = a @ w
            z += b
            a = _activate(name, z, z)
        return a

    __call__ = forward

    def forward_all(self, X) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(pre, post): every layer's pre-activations z and activations nl(z).

        Both lists are indexed by layer number 0 … L; entry 0 is the input X itself in both
        (the inputs have no activation). ``post[L]`` equals ``forward(X)``. Each array is
        n × (that layer's size) and owned by the caller.
        """
        X = self._check_x(X)
        pre, post = [X.copy()], [X.copy()]
        a = X
        with np.errstate(all="ignore"):
            for (w, b), name in zip(self._params, self._acts, strict=True):
                z = a @ w
                z += b
                a = _activated(name, z)
                pre.append(z)
                post.append(a)
        return pre, post

    def probabilities(self, X) -> np.ndarray:
        """Class probabilities for a cross-entropy network: σ(y) for one output (the
        probability of class 1), softmax(y) otherwise."""
        y = self.forward(X)
        with np.errstate(all="ignore"):
            if y.shape[1] == 1:
                return _activated("sigmoid", y)
            e = np.exp(y - y.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)

    def predict_classes(self, X) -> np.ndarray:
        """Predicted class per sample: y > 0 (σ(y) > ½) for one output, else argmax."""
        y = self.forward(X)
        if y.shape[1] == 1:
            return (y[:, 0] > 0).astype(np.int64)
        return np.argmax(y, axis=1)

    def accuracy(self, X, T) -> float:
        """Fraction of samples classified correctly (T: 0/1 column, or one-hot rows)."""
        X, T = self._check_xt(X, T)
        predicted = self.predict_classes(X)
        truth = (T[:, 0] > 0.5).astype(np.int64) if T.shape[1] == 1 else np.argmax(T, axis=1)
        return float(np.mean(predicted == truth))

    # -- loss and gradients ----------------------------------------------------------------

    def _penalty(self, l1: float, l2: float, s: np.ndarray | None = None) -> float:
        if l1 == 0.0 and l2 == 0.0:
            return 0.0
        if s is None:
            s = np.empty(self._flat.size)
        np.multiply(self._flat, self._weight_mask, out=s)
        total = 0.0
        if l2:
            total += 0.5 * l2 * float(np.dot(s, s))
        if l1:
            np.abs(s, out=s)
            total += l1 * float(s.sum())
        return total

    def _add_penalty_gradient(self, l1: float, l2: float, ws: _Workspace) -> None:
        if l1 == 0.0 and l2 == 0.0:
            return
        s, g = ws.scratch, ws.grad
        if l2:
            np.multiply(self._flat, self._weight_mask, out=s)
            s *= l2
            g += s
        if l1:
            np.sign(self._flat, out=s)
            s *= self._weight_mask
            s *= l1
            g += s

    def loss(self, X, T, kind: str = "mse", l1: float = 0.0, l2: float = 0.0) -> float:
        """The loss (see the module docstring) of the current network on (X, T)."""
        X, T = self._check_xt(X, T)
        kind = _check_kind(kind)
        l1, l2 = _check_penalty(l1, "l1"), _check_penalty(l2, "l2")
        with np.errstate(all="ignore"):
            y = self._forward_plain(X)
            return float(_loss_values(y, T, kind)) + self._penalty(l1, l2)

    def _output_gradient(self, ws: _Workspace, y: np.ndarray, t: np.ndarray, kind: str) -> float:
        """Loss of output y against t (both n_out × m); leaves dL/dz of the output layer
        in ws.dy."""
        m = y.shape[1]
        dy = ws.dy
        if kind == "mse":
            np.subtract(y, t, out=dy)
            value = 0.5 * float(np.vdot(dy, dy)) / m
        elif y.shape[0] == 1:
            # log(1 + e^y) − t·y; its derivative is σ(y) − t, and σ(y) = e^(y − log(1 + e^y))
            # reuses the softplus just computed (y − softplus(y) ≤ 0: no overflow).
            softplus = ws.spare
            np.logaddexp(0.0, y, out=softplus)
            value = (float(np.vdot(ws.ones, softplus)) - float(np.vdot(t, y))) / m
            np.subtract(y, softplus, out=dy)
            np.exp(dy, out=dy)
            dy -= t
        else:
            top = y.max(axis=0, keepdims=True)
            np.subtract(y, top, out=dy)
            np.exp(dy, out=dy)
            total = dy.sum(axis=0, keepdims=True)
            t_sum = t.sum(axis=0, keepdims=True)
            lse = top + np.log(total)
            value = (float(np.vdot(lse, t_sum)) - float(np.vdot(t, y))) / m
            dy /= total
            dy *= t_sum
            dy -= t
        dy *= 1.0 / m
        name = self._acts[-1]
        if name != "linear":
            _times_derivative(name, y, dy, ws.spare)
        return value

    def _loss_and_gradient(self, ws: _Workspace, xa: np.ndarray, t: np.ndarray, kind: str,
                           l1: float, l2: float) -> float:
        """Forward + backward on one batch (xa: (n_in + 1) × m with ones in the last row,
        t: n_out × m); the gradient lands in ws.grad.

        One method, with tanh written out: a mini-batch step is a few dozen array calls of
        well under a microsecond each, so every extra Python call shows in epochs/s.
        """
        # NumPy's functions as locals: a mini-batch step calls them some thirty times, and
        # looking each one up on the module costs a few percent of the step.
        dot, tanh, multiply, subtract = np.dot, np.tanh, np.multiply, np.subtract
        a = xa
        for waug_t, act, aug, name in ws.forward_plan:
            # np.dot: for the tiny matrices of a mini-batch its call costs less than matmul's.
            dot(waug_t, a, out=act)
            if name == "tanh":
                tanh(act, out=act)
            else:
                _activate(name, act, act)
            a = aug
        y = ws.z
        dot(self._waug_t[-1], a, out=y)
        name = self._acts[-1]
        if name != "linear":
            y = _activate(name, y, ws.y)
        value = self._output_gradient(ws, y, t, kind)
        d = ws.dy
        for a_prev, gaug, w, da, act_prev, tmp, name in ws.backward_plan:
            dot(a_prev, d.T, out=gaug)
            dot(w, d, out=da)
            if name == "tanh":  # da · (1 − a²), as da − da · a²
                multiply(act_prev, act_prev, out=tmp)
                multiply(tmp, da, out=tmp)
                subtract(da, tmp, out=da)
            else:
                _times_derivative(name, act_prev, da, tmp)
            d = da
        dot(xa, d.T, out=ws.gaug[0])
        if l1 or l2:
            value += self._penalty(l1, l2, ws.scratch)
            self._add_penalty_gradient(l1, l2, ws)
        return value

    def gradients(self, X, T, kind: str = "mse", l1: float = 0.0,
                  l2: float = 0.0) -> list[tuple[np.ndarray, np.ndarray]]:
        """dL/dW and dL/db by backpropagation: [(dW, db)] shaped like ``params`` (new arrays)."""
        X, T = self._check_xt(X, T)
        kind = _check_kind(kind)
        l1, l2 = _check_penalty(l1, "l1"), _check_penalty(l2, "l2")
        ws = self._new_workspace(X.shape[0])
        np.copyto(ws.inp_x, X.T)
        np.copyto(ws.t, T.T)
        with np.errstate(all="ignore"):
            self._loss_and_gradient(ws, ws.inp, ws.t, kind, l1, l2)
        return [(gaug[:-1], gaug[-1]) for gaug in ws.gaug]  # views of a fresh buffer

    # -- training ---------------------------------------------------------------------------

    def _apply(self, optimizer, ws: _Workspace) -> None:
        """One optimizer step on the gradient in ``ws``; the caller holds np.errstate."""
        in_place = getattr(optimizer, "update_in_place", None)
        if in_place is not None:
            in_place(self._flat, ws.grad)
        else:  # any object with the ``step(params, grad)`` of model/optimizers
            np.copyto(self._flat, optimizer.step(self._flat, ws.grad))

    def train_step(self, X, T, optimizer, kind: str = "mse", l1: float = 0.0,
                   l2: float = 0.0) -> float:
        """One optimizer step on the whole of (X, T); returns the loss *before* the step.

        The new values are written into the live parameter arrays. A non-finite return
        value means training diverged (``diverged`` tells whether the parameters are gone).
        """
        X, T = self._check_xt(X, T)
        kind = _check_kind(kind)
        l1, l2 = _check_penalty(l1, "l1"), _check_penalty(l2, "l2")
        ws = self._workspace(X.shape[0])
        np.copyto(ws.inp_x, X.T)
        np.copyto(ws.t, T.T)
        with np.errstate(all="ignore"):
            value = self._loss_and_gradient(ws, ws.inp, ws.t, kind, l1, l2)
            self._apply(optimizer, ws)
        return value

    def train_epoch(self, X, T, optimizer, kind: str = "mse", batch_size: int | None = None,
                    rng: np.random.Generator | None = None, l1: float = 0.0,
                    l2: float = 0.0) -> float:
        """One pass over (X, T) in mini-batches of ``batch_size`` (None: one full batch).

        The samples are shuffled with ``rng`` (default: the network's own generator,
        seeded from ``seed``) and then cut into consecutive batches; the last one may be
        smaller. A single full batch is not shuffled (the order of the samples does not
        change its gradient). Returns the mean of the batch losses, each computed before
        its step and weighted by the batch's size (for one full batch: exactly the
        ``train_step`` value). Stops at the first non-finite batch loss and returns it.
        """
        X, T = self._check_xt(X, T)
        kind = _check_kind(kind)
        l1, l2 = _check_penalty(l1, "l1"), _check_penalty(l2, "l2")
        n = X.shape[0]
        if batch_size is None:
            m = n
        else:
            if isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1:
                raise ValueError(f"the batch size must be a whole number of at least 1, "
                                 f"got {batch_size!r}")
            m = min(int(batch_size), n)
        if m == n:
            return self.train_step(X, T, optimizer, kind, l1, l2)
        if rng is None:
            rng = self.rng
        elif not isinstance(rng, np.random.Generator):
            rng = np.random.default_rng(rng)  # a seed
        ep = self._epoch
        if ep is None or ep.xa.shape[1] != n:
            ep = self._epoch = _EpochBuffers(n, self._sizes[0], self._sizes[-1])
        perm = rng.permutation(n)
        np.take(X.T, perm, axis=1, out=ep.x, mode="clip")
        np.take(T.T, perm, axis=1, out=ep.t, mode="clip")
        ws = self._workspace(m)
        rest = n % m
        ws_last = self._workspace(rest) if rest else ws
        full_end = n - rest
        xa, t = ep.xa, ep.t
        total = 0.0
        loss_and_gradient = self._loss_and_gradient
        apply = self._apply
        isfinite = math.isfinite
        in_place = getattr(optimizer, "update_in_place", None)
        flat, grad = self._flat, ws.grad
        with np.errstate(all="ignore"):
            for xa_batch, t_batch in ep.batches(m, full_end):
                value = loss_and_gradient(ws, xa_batch, t_batch, kind, l1, l2)
                if in_place is not None:
                    in_place(flat, grad)
                else:
                    apply(optimizer, ws)
                if not isfinite(value):
                    return value
                total += value
            total *= m
            if rest:
                value = loss_and_gradient(ws_last, xa[:, full_end:], t[:, full_end:], kind, l1, l2)
                apply(optimizer, ws_last)
                if not isfinite(value):
                    return value
                total += value * rest
        return total / n

    def train(self, X, T, optimizer, kind: str = "mse", epochs: int = 1,
              batch_size: int | None = None, rng: np.random.Generator | None = None,
              l1: float = 0.0, l2: float = 0.0,
              monitor: ConvergenceMonitor | None = None) -> np.ndarray:
        """Up to ``epochs`` epochs; returns their losses. Stops early when the loss turns
        non-finite (diverged) or the ``monitor`` says converged."""
        losses = []
        for _ in range(int(epochs)):
            value = self.train_epoch(X, T, optimizer, kind, batch_size, rng, l1, l2)
            losses.append(value)
            if not math.isfinite(value):
                break
            if monitor is not None and monitor.update(value):
                break
        return np.array(losses, dtype=np.float64)

    # -- the article's linear collapse --------------------------------------------------------

    def equivalent_linear(self) -> tuple[np.ndarray, np.ndarray]:
        """(W, b) with forward(X) == X @ W + b, when every layer is "linear".

        Composing z ↦ z @ W_k + b_k layer after layer gives
        W = W_1 @ W_2 @ … @ W_L and b = (…((b_1 @ W_2 + b_2) @ W_3 + b_3)…) @ W_L + b_L:
        a linear combination of linear functions is linear. Raises ValueError naming the
        first layer with a nonlinearity otherwise.
        """
        for k, name in enumerate(self._acts, start=1):
            if name != "linear":
                where = "the output layer" if k == self.n_layers else f"hidden layer {k}"
                raise ValueError(
                    f"layer {k} ({where}) uses the nonlinearity '{name}', so the network is "
                    "not a linear function: there is no single equivalent linear layer"
                )
        with np.errstate(all="ignore"):
            w = self._w[0].copy()
            b = self._b[0].copy()
            for wk, bk in zip(self._w[1:], self._b[1:], strict=True):
                w = w @ wk
                b = b @ wk + bk
        return w, b

    # -- pictures -------------------------------------------------------------------------

    def neuron_formula(self, layer: int, index: int, variables: Sequence[str] | None = None,
                       digits: int = 2) -> str:
        """One neuron as text, e.g. "tanh(0.31·x − 1.20·y + 0.05)".

        Its inputs are named by ``variables`` if given, else x, y, z (up to three inputs;
        x1, x2, … beyond) in layer 1 and h{layer−1}_1, h{layer−1}_2, … (the previous
        layer's neurons, counted from 1) deeper in. A "linear" neuron has no wrapper; the
        others show their activation's name. Numbers have ``digits`` decimals and the
        signs are the Unicode minus (−) and the middle dot (·).
        """
        layer = self._check_layer(layer)
        n_in, n_out = self._sizes[layer - 1], self._sizes[layer]
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not (
            0 <= index < n_out
        ):
            raise ValueError(f"layer {layer} has neurons 0 … {n_out - 1}, got {index!r}")
        if variables is None:
            names = self.neuron_names(layer - 1)
        else:
            names = tuple(str(v) for v in variables)
            if len(names) != n_in:
                raise ValueError(f"layer {layer} has {n_in} inputs; got {len(names)} names")
        digits = int(digits)
        if not 0 <= digits <= 12:
            raise ValueError(f"digits must be from 0 to 12, got {digits}")
        w = self._w[layer - 1][:, index]
        parts = []
        for weight, name in zip(w.tolist(), names, strict=True):
            negative, text = _number(weight, digits)
            parts.append((negative, f"{text}{_DOT}{name}"))
        negative, text = _number(float(self._b[layer - 1][index]), digits)
        parts.append((negative, text))
        body = ""
        for position, (negative, text) in enumerate(parts):
            if position == 0:
                body = (_MINUS if negative else "") + text
            else:
                body += f" {_MINUS if negative else '+'} {text}"
        name = self._acts[layer - 1]
        return body if name == "linear" else f"{name}({body})"

    def neuron_outputs(self, layer: int, grid_x, grid_y=None) -> np.ndarray:
        """Every neuron's output of ``layer`` over a grid of inputs.

        For a 2-input network ``grid_x`` and ``grid_y`` are arrays of one shape (as from
        ``np.meshgrid``); for a 1-input network ``grid_y`` is None. Returns an array of
        shape (neurons in the layer, *grid shape); layer 0 gives the inputs themselves.
        """
        layer = self._check_layer(layer, allow_inputs=True)
        gx = np.asarray(grid_x, dtype=np.float64)
        if self._sizes[0] == 1:
            if grid_y is not None:
                raise ValueError("this network has one input: pass grid_y=None")
            X = gx.reshape(-1, 1)
        elif self._sizes[0] == 2:
            if grid_y is None:
                raise ValueError("this network has two inputs: pass grid_y too")
            gy = np.asarray(grid_y, dtype=np.float64)
            if gy.shape != gx.shape:
                raise ValueError(f"grid_x and grid_y must have one shape, got {gx.shape} "
                                 f"and {gy.shape}")
            X = np.column_stack([gx.reshape(-1), gy.reshape(-1)])
        else:
            raise ValueError("neuron outputs over a grid need a network with 1 or 2 inputs")
        _, post = self.forward_all(X)
        return np.ascontiguousarray(post[layer].T).reshape((self._sizes[layer],) + gx.shape)

    # -- loss landscape ---------------------------------------------------------------------

    def loss_landscape(self, X, T, kind: str, index_a: int, index_b: int, span=None,
                       n: int = 41, l1: float = 0.0, l2: float = 0.0, radius: float = 3.0):
        """The loss as two flat parameters move, every other parameter fixed.

        ``span``: None for current value ± ``radius`` on each axis, a pair (lo, hi) for the
        same range on both axes, or ((lo_a, hi_a), (lo_b, hi_b)). Returns (A, B, L), each
        n × n with ``indexing="ij"``: A[i, j] is the i-th value of parameter a, B[i, j] the
        j-th value of b and L[i, j] the loss there. Computed vectorised over the grid (in
        chunks that bound the memory); the network's parameters are never changed.
        """
        X, T = self._check_xt(X, T)
        kind = _check_kind(kind)
        l1, l2 = _check_penalty(l1, "l1"), _check_penalty(l2, "l2")
        size = self._flat.size
        indices = []
        for name, index in (("index_a", index_a), ("index_b", index_b)):
            if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not (
                0 <= index < size
            ):
                raise ValueError(f"{name} must be a parameter index from 0 to {size - 1}, "
                                 f"got {index!r}")
            indices.append(int(index))
        if indices[0] == indices[1]:
            raise ValueError("choose two different parameters for the loss landscape")
        n = int(n)
        if not 2 <= n <= 1001:
            raise ValueError(f"n must be from 2 to 1001, got {n}")
        current = [float(self._flat[i]) for i in indices]
        ranges = self._landscape_ranges(span, current, float(radius))
        values = [np.linspace(lo, hi, n) for lo, hi in ranges]
        A, B = np.meshgrid(values[0], values[1], indexing="ij")
        with np.errstate(all="ignore"):
            L = self._landscape_values(X, T, kind, indices, current, values)
            L += self._landscape_penalty(indices, current, (A, B), l1, l2)
        return A, B, L

    @staticmethod
    def _landscape_ranges(span, current, radius):
        if span is None:
            if not (math.isfinite(radius) and radius > 0):
                raise ValueError(f"radius must be a positive number, got {radius!r}")
            return [(c - radius, c + radius) for c in current]
        try:
            arr = np.asarray(span, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"span must be (lo, hi) or ((lo, hi), (lo, hi)), got {span!r}") \
                from None
        if arr.shape == (2,):
            arr = np.stack([arr, arr])
        if arr.shape != (2, 2) or not np.isfinite(arr).all() or np.any(arr[:, 0] >= arr[:, 1]):
            raise ValueError(f"span must be (lo, hi) with lo < hi, or two such pairs; got {span!r}")
        return [tuple(r) for r in arr.tolist()]

    def _layer_input(self, a: np.ndarray, k: int, batch: int) -> np.ndarray:
        """z of layer k for input a: (N, d + 1) shared or (batch, N, d + 1); → (batch, N, n_k)."""
        w = self._waug[k - 1]
        if a.ndim == 2:
            return np.broadcast_to(a @ w, (batch, a.shape[0], w.shape[1])).copy()
        # one BLAS call for the whole batch
        return (a.reshape(-1, w.shape[0]) @ w).reshape(batch, a.shape[1], w.shape[1])

    def _layer_output(self, z: np.ndarray, k: int) -> np.ndarray:
        """nl(z) of layer k, with the ones column appended unless k is the output layer."""
        name = self._acts[k - 1]
        if k == self.n_layers:
            return _activate(name, z, z)
        out = np.empty(z.shape[:-1] + (z.shape[-1] + 1,))
        _activate(name, z, out[..., :-1])
        out[..., -1] = 1.0
        return out

    def _landscape_values(self, X, T, kind, indices, current, values) -> np.ndarray:
        """Loss for every pair (values[0][i], values[1][j]) of the two parameters: n × n.

        Moving a parameter of layer k by Δ adds Δ · (its input column) to z_k, so each grid
        point starts from the current network's z_k. Layers before the earlier parameter's
        layer are computed once; layers from there to the later parameter's layer depend on
        the first value only (n cases, not n²); the rest run on every grid point, in chunks
        of rows that bound the memory.
        """
        where = [self._locate(i) for i in indices]
        swap = where[1][0] < where[0][0]
        first, second = (1, 0) if swap else (0, 1)
        layer1, row1, col1 = where[first]
        layer2, row2, col2 = where[second]
        delta1 = values[first] - current[first]
        delta2 = values[second] - current[second]
        n, n_samples = delta1.size, X.shape[0]
        last = self.n_layers

        a = np.column_stack([X, np.ones(n_samples)])
        for k in range(1, layer1):
            a = self._layer_output(self._layer_input(a, k, 1)[0], k)
        shared = a

        widest = max(self._sizes[layer1 - 1:]) + 1
        rows = max(1, _LANDSCAPE_CHUNK // (n * n_samples * widest))
        out = np.empty((n, n))
        for r0 in range(0, n, rows):
            r1 = min(n, r0 + rows)
            r = r1 - r0
            d1 = delta1[r0:r1]
            a = shared
            for k in range(layer1, layer2):  # depends on the first value only
                z = self._layer_input(a, k, r)
                if k == layer1:
                    z[:, :, col1] += d1[:, None] * a[..., row1]
                a = self._layer_output(z, k)
            if a.ndim == 3:
                a = np.repeat(a, n, axis=0)  # grid point (i, j) at i·n + j
            d1_all = np.repeat(d1, n)
            d2_all = np.tile(delta2, r)
            for k in range(layer2, last + 1):
                z = self._layer_input(a, k, r * n)
                if k == layer1:  # both parameters in one layer
                    z[:, :, col1] += d1_all[:, None] * a[..., row1]
                if k == layer2:
                    z[:, :, col2] += d2_all[:, None] * a[..., row2]
                a = self._layer_output(z, k)
            out[r0:r1] = _loss_values(a, T, kind).reshape(r, n)
        return out.T if swap else out

    def _landscape_penalty(self, indices, current, grid, l1, l2):
        if l1 == 0.0 and l2 == 0.0:
            return 0.0
        base = self._penalty(l1, l2)
        extra = np.full(grid[0].shape, base)
        for i, c, g in zip(indices, current, grid, strict=True):
            if self._weight_mask[i]:
                extra += l1 * (np.abs(g) - abs(c)) + 0.5 * l2 * (g * g - c * c)
        return extra


def article_network(activation: str = "linear", seed: int = 0) -> Network:
    """The article's network (inputs x, y, z; two hidden layers of 3; one output) with
    ``activation`` in every neuron, the output included, as in the article."""
    return Network(ARTICLE_NETWORK, activation, seed=seed)


# --------------------------------------------------------------------------------------
# When to stop
# --------------------------------------------------------------------------------------


class ConvergenceMonitor:
    """Decides when training has converged, from the epoch losses fed to ``update``.

    Converged when either
    - the loss fell below ``floor`` (absolute), or
    - for ``patience`` epochs in a row the loss did not improve by more than ``tol``
      (relative) on the reference: the loss at the last real improvement. Small gains do
      not move the reference, so a slow crawl that adds up to more than ``tol`` still
      counts as progress.
    A non-finite loss sets ``diverged`` instead (and never counts as converged).
    """

    def __init__(self, patience: int = 50, tol: float = 1e-4, floor: float = 1e-8) -> None:
        if isinstance(patience, bool) or int(patience) != patience or patience < 1:
            raise ValueError(f"patience must be a whole number of at least 1, got {patience!r}")
        self.patience = int(patience)
        self.tol = _check_penalty(tol, "tol")
        self.floor = _check_penalty(floor, "floor")
        self.reset()

    def reset(self) -> None:
        self.epochs = 0
        self.best = math.inf
        self.stale = 0
        self.converged = False
        self.diverged = False
        self.reason: str | None = None
        self._reference = math.inf

    def update(self, loss: float) -> bool:
        """Record one epoch's loss; returns ``converged``."""
        loss = float(loss)
        self.epochs += 1
        if not math.isfinite(loss):
            self.diverged = True
            self.converged = False
            self.reason = "diverged"
            return False
        self.best = min(self.best, loss)
        if loss < self.floor:
            self.converged, self.reason = True, "floor"
            return True
        if math.isinf(self._reference) or loss < self._reference - self.tol * abs(self._reference):
            self._reference = loss
            self.stale = 0
        else:
            self.stale += 1
        if self.stale >= self.patience:
            self.converged, self.reason = True, "plateau"
        return self.converged
