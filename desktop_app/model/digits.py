"""Handwritten digits: the data set, a drawing turned into the data set's form, and the lab
that trains a network to read them. The model of the digits tab; no Qt here.

The data
    The UCI "Optical Recognition of Handwritten Digits" test set (E. Alpaydin and
    C. Kaynak, 1998, CC BY 4.0; see ``resources/digits/README.md``): 1797 digits written by
    13 people, each an 8 × 8 picture of whole numbers 0 … 16, with its label 0 … 9. It
    is stored as it comes in scikit-learn's wheel, ``resources/digits/digits.csv.gz``: one
    digit per line, the 64 values row by row (top row first, left to right), then the
    label. ``load_digits()`` reads it once and hands out the same read-only arrays.

How a digit became 64 numbers (and how a drawing does too)
    The data set's authors scanned forms, cut each digit out, scaled it to a 32 × 32
    black-and-white bitmap, divided that into 8 × 8 blocks of 4 × 4 pixels and counted
    the black pixels in each block (0 … 16). ``digit_from_drawing`` does the same to a
    drawing: a grey picture (ink = 1, paper = 0) is

    1. cropped to the box around its ink (the pixels of at least ``INK_LEVEL``),
    2. scaled, keeping its shape, so that its longer side is 32 pixels, and centred in a
       32 × 32 square (each new pixel is the average ink over the part of the drawing it
       covers, so any size of drawing works, larger or smaller than 32; a long, thin line
       that would come out thinner than ``MIN_THICKNESS`` pixels is made that thick, so it
       does not vanish),
    3. turned into black and white: a pixel is ink when its average is ≥ ``INK_LEVEL``,
    4. counted in 4 × 4 blocks: 64 values 0 … 16.

    An empty drawing (no pixel reaches ``INK_LEVEL``) gives 64 zeros.

The lab
    ``DigitsLab`` holds the settings (``DigitsSettings``, an evented dataclass the tab's
    controls mirror), a fixed split of the data (``TEST_SHARE`` of each digit held out for
    testing, always the same ones), a ``Network`` 64 → hidden layers → 10 with softmax
    cross-entropy, its optimizer and the training run. The network sees each value divided
    by 16 (0 … 1). Training goes in slices (``train_slice``) of whole mini-batches, so a
    view can train for a few milliseconds at a time and stay responsive; slicing never
    changes the arithmetic (the same batches in the same order, whatever the slices).
"""

# X, T, W: the usual mathematical names (inputs, targets, weights).
# ruff: noqa: N806

from __future__ import annotations

import functools
import gzip
import math
import time
from dataclasses import dataclass

import numpy as np
from psygnal import Signal, evented

from desktop_app.model import optimizers
from desktop_app.model.network import ACTIVATIONS, Network
from desktop_app.paths import resource

__all__ = [
    "CLASSES",
    "DATA_FILE",
    "SIDE",
    "DigitsLab",
    "DigitsSettings",
    "Mistake",
    "check_settings",
    "digit_from_drawing",
    "load_digits",
    "split_indices",
]

#: Where the data set lives, below resources/.
DATA_FILE = ("digits", "digits.csv.gz")
#: The pictures are SIDE × SIDE values, each counting the ink in a BLOCK × BLOCK square of
#: a BITMAP × BITMAP bitmap.
SIDE = 8
BLOCK = 4
BITMAP = SIDE * BLOCK
MAX_VALUE = BLOCK * BLOCK
CLASSES = 10
#: A pixel with at least this much ink (0 … 1) counts as ink.
INK_LEVEL = 0.5
#: A drawing's shorter side is at least this many pixels of the 32 × 32 bitmap.
MIN_THICKNESS = 2.0
#: Drawings larger than this on either side are refused (nobody draws that big).
MAX_DRAWING_SIDE = 16384

#: The held-out share of each digit, and the seed that picks them (fixed: every run, every
#: network and every student tests on the same digits).
TEST_SHARE = 0.2
SPLIT_SEED = 0

#: Limits of the settings.
MAX_HIDDEN_LAYERS = 3
MAX_NEURONS = 256
MAX_EPOCHS = 1000
MAX_BATCH = 1437
MAX_SEED = 1_000_000
LR_RANGE = (1e-4, 10.0)
MAX_L2 = 1.0
#: state() includes the weights of networks up to this size (about 350 kB of JSON).
MAX_SAVED_PARAMETERS = 10_000
HIDDEN_ACTIVATIONS = tuple(name for name in ACTIVATIONS if name != "linear") + ("linear",)


# --------------------------------------------------------------------------------------
# The data set
# --------------------------------------------------------------------------------------


@functools.cache
def _load(path: str) -> tuple[np.ndarray, np.ndarray]:
    with gzip.open(path, "rt", encoding="ascii") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float64, ndmin=2)
    if table.shape[1] != SIDE * SIDE + 1:
        raise ValueError(f"{path}: expected {SIDE * SIDE + 1} columns, got {table.shape[1]}")
    X = np.ascontiguousarray(table[:, :-1])
    y = table[:, -1].astype(np.int64)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """(X, y): X float64 n × 64 (values 0 … 16, each row an 8 × 8 picture row by row),
    y int64 labels 0 … 9. Read from the resources once; later calls return the same
    read-only arrays."""
    return _load(str(resource(*DATA_FILE)))


def split_indices(y, test_share: float = TEST_SHARE,
                  seed: int = SPLIT_SEED) -> tuple[np.ndarray, np.ndarray]:
    """(train, test) indices: ``round(test_share · count)`` random digits of each class
    held out for testing. Both sorted; the same every time for the same labels and seed."""
    y = np.asarray(y)
    rng = np.random.default_rng(seed)
    test = []
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        rng.shuffle(members)
        test.append(members[:int(round(test_share * members.size))])
    test_idx = np.sort(np.concatenate(test)) if test else np.empty(0, dtype=np.int64)
    train_idx = np.setdiff1d(np.arange(y.size), test_idx)
    return train_idx, test_idx


# --------------------------------------------------------------------------------------
# A drawing in the data set's form
# --------------------------------------------------------------------------------------


def _area_weights(n_source: int, scale: float, offset: float, n_target: int) -> np.ndarray:
    """(n_target × n_source) weights: target pixel i averages the source pixels it covers.

    Source pixel j spans [j, j + 1); it lands on [offset + j·scale, offset + (j + 1)·scale)
    in the target. Target pixel i spans [i, i + 1), i.e. [(i − offset)/scale, (i + 1 −
    offset)/scale) of the source; its weight for pixel j is their overlap times ``scale``
    (so a target pixel fully covered by the drawing has weights summing to 1, and the
    parts of it outside the drawing count as paper).
    """
    i = np.arange(n_target, dtype=np.float64)
    lo = (i - offset) / scale
    hi = (i + 1.0 - offset) / scale
    j = np.arange(n_source, dtype=np.float64)
    overlap = np.minimum(hi[:, None], j[None, :] + 1.0) - np.maximum(lo[:, None], j[None, :])
    return np.clip(overlap, 0.0, None) * scale


def _as_drawing(image) -> np.ndarray:
    try:
        a = np.asarray(image, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("a drawing must be a 2-D array of numbers from 0 to 1") from None
    if a.ndim != 2:
        raise ValueError(f"a drawing must be a 2-D array (rows × columns), got shape {a.shape}")
    if max(a.shape) > MAX_DRAWING_SIDE:
        raise ValueError(f"a drawing can be at most {MAX_DRAWING_SIDE} pixels on a side, "
                         f"got {a.shape}")
    return np.clip(np.nan_to_num(a, nan=0.0, posinf=1.0, neginf=0.0), 0.0, 1.0)


def bitmap_from_drawing(image) -> np.ndarray:
    """Steps 1–3 of the module docstring: the 32 × 32 black-and-white bitmap (0/1 floats)."""
    a = _as_drawing(image)
    ink = a >= INK_LEVEL
    rows = np.flatnonzero(ink.any(axis=1))
    if rows.size == 0:
        return np.zeros((BITMAP, BITMAP))
    cols = np.flatnonzero(ink.any(axis=0))
    crop = a[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    h, w = crop.shape
    scale = BITMAP / max(h, w)
    # A line that would come out thinner than MIN_THICKNESS pixels is made that thick.
    tall, wide = max(h * scale, MIN_THICKNESS), max(w * scale, MIN_THICKNESS)
    weights_y = _area_weights(h, tall / h, (BITMAP - tall) / 2.0, BITMAP)
    weights_x = _area_weights(w, wide / w, (BITMAP - wide) / 2.0, BITMAP)
    grey = weights_y @ crop @ weights_x.T
    # A hair below the level still counts: sums of weights are exact only up to rounding.
    return (grey >= INK_LEVEL - 1e-9).astype(np.float64)


def counts_from_bitmap(bitmap) -> np.ndarray:
    """Step 4: the ink pixels counted in each 4 × 4 block, as 64 values row by row."""
    b = np.asarray(bitmap, dtype=np.float64)
    if b.shape != (BITMAP, BITMAP):
        raise ValueError(f"a bitmap must be {BITMAP} × {BITMAP}, got {b.shape}")
    return b.reshape(SIDE, BLOCK, SIDE, BLOCK).sum(axis=(1, 3)).reshape(SIDE * SIDE)


def digit_from_drawing(image) -> np.ndarray:
    """A drawn grey picture (2-D, 0 … 1, ink high, any size) as the data set's 64 values
    (float64, whole numbers 0 … 16, row by row); all zeros for an empty drawing. See the
    module docstring for the steps."""
    return counts_from_bitmap(bitmap_from_drawing(image))


# --------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------


@evented
@dataclass
class DigitsSettings:
    """What the student chose for the next training run; the tab's controls mirror these.

    ``hidden``: the hidden layers' sizes (0 to 3 layers of 1 to 256 neurons; none makes
    the network one layer of ten neurons looking straight at the pixels). ``activation``
    is used by every hidden layer; the output layer is linear and feeds the softmax.
    ``l2`` is the penalty ½ · l2 · Σ W² on every weight (never the biases) added to the
    loss: it pulls the weights of pixels that never carry ink (the picture's edges) to
    zero, so the first layer's pictures show what the neurons really look at.
    """

    hidden: tuple[int, ...] = (32,)
    activation: str = "tanh"
    optimizer: str = "adam"
    learning_rate: float = 0.01
    batch_size: int = 32
    epochs: int = 40
    l2: float = 0.0001
    seed: int = 0


SETTING_NAMES = tuple(DigitsSettings.__dataclass_fields__)


def _whole(value, what: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{what} must be a whole number, got {value!r}")
    value = int(value)
    if not lo <= value <= hi:
        raise ValueError(f"{what} must be from {lo} to {hi}, got {value}")
    return value


def _choice(value, what: str, options) -> str:
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"unknown {what} {value!r}; choose one of {', '.join(options)}")
    return value


def parse_hidden(text: str) -> tuple[int, ...]:
    """"64, 32" → (64, 32); "" or "none" → (). Raises ValueError with a sentence to show."""
    if not isinstance(text, str):
        raise ValueError(f"the hidden layers must be text like 32 or 64, 32, got {text!r}")
    cleaned = text.replace(";", ",").replace("-", ",").strip()
    if cleaned.lower() in ("", "none", "0"):
        return ()
    parts = [p.strip() for p in cleaned.replace(" ", ",").split(",") if p.strip()]
    sizes = []
    for part in parts:
        if not part.isdigit():
            raise ValueError(f"“{part}” is not a whole number: write the sizes of the hidden "
                             "layers separated by commas, like 64, 32")
        sizes.append(int(part))
    return check_hidden(sizes)


def check_hidden(hidden) -> tuple[int, ...]:
    if isinstance(hidden, (str, bytes)) or not hasattr(hidden, "__len__"):
        raise ValueError(f"the hidden layers must be a list of sizes, got {hidden!r}")
    if len(hidden) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(hidden)}")
    return tuple(_whole(s, "a hidden layer's size", 1, MAX_NEURONS) for s in hidden)


def check_settings(values: dict) -> dict:
    """Every setting in ``values`` checked (raises ValueError naming the field); missing
    ones come from the defaults and unknown keys are ignored."""
    if not isinstance(values, dict):
        raise ValueError("the digits settings must be a dictionary")
    defaults = DigitsSettings()
    merged = {name: values.get(name, getattr(defaults, name)) for name in SETTING_NAMES}
    out = {"hidden": check_hidden(merged["hidden"])}
    out["activation"] = _choice(merged["activation"], "activation", HIDDEN_ACTIVATIONS)
    out["optimizer"] = _choice(merged["optimizer"], "optimizer", optimizers.OPTIMIZER_NAMES)
    lr = merged["learning_rate"]
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.integer, np.floating)) or \
            not LR_RANGE[0] <= float(lr) <= LR_RANGE[1]:
        raise ValueError(f"the learning rate must be a number from {LR_RANGE[0]:g} to "
                         f"{LR_RANGE[1]:g}, got {lr!r}")
    out["learning_rate"] = float(lr)
    out["batch_size"] = _whole(merged["batch_size"], "the batch size", 1, MAX_BATCH)
    out["epochs"] = _whole(merged["epochs"], "the number of epochs", 1, MAX_EPOCHS)
    l2 = merged["l2"]
    if isinstance(l2, bool) or not isinstance(l2, (int, float, np.integer, np.floating)) or \
            not 0.0 <= float(l2) <= MAX_L2:
        raise ValueError(f"the weight penalty must be a number from 0 to {MAX_L2:g}, "
                         f"got {l2!r}")
    out["l2"] = float(l2)
    out["seed"] = _whole(merged["seed"], "the seed", 0, MAX_SEED)
    return out


# --------------------------------------------------------------------------------------
# The lab
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mistake:
    """A test digit the network got wrong: where it is, what it is, what was guessed."""

    index: int          # row in the data set
    true: int
    guessed: int
    confidence: float   # the probability the network gave its guess

    @property
    def text(self) -> str:
        return f"true {self.true}, guessed {self.guessed}"


class DigitsLab:
    """The data, a network, its optimizer and the training run (see the module docstring).

    ``epoch`` counts finished epochs; ``target`` is where the current run stops
    (``settings.epochs`` when it started). ``changed`` is emitted with "network" when a
    new network is made or restored, "epoch" after each finished epoch.
    """

    changed = Signal(str)

    def __init__(self, settings: DigitsSettings | None = None) -> None:
        self.settings = settings if settings is not None else DigitsSettings()
        X, y = load_digits()
        self.X, self.y = X, y
        self.inputs = X / MAX_VALUE
        self.inputs.setflags(write=False)
        self.train_idx, self.test_idx = split_indices(y)
        self.train_x = self.inputs[self.train_idx]
        self.train_t = np.eye(CLASSES)[y[self.train_idx]]
        self.test_x = self.inputs[self.test_idx]
        self.test_y = y[self.test_idx]
        self.test_t = np.eye(CLASSES)[self.test_y]
        self.new_network()

    # -- the network ------------------------------------------------------------------------
    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return self.net.layer_sizes

    def new_network(self) -> None:
        """Fresh weights from the settings' seed, a fresh optimizer; epoch 0."""
        s = self.settings
        values = check_settings({name: getattr(s, name) for name in SETTING_NAMES})
        sizes = (SIDE * SIDE, *values["hidden"], CLASSES)
        acts = [values["activation"]] * len(values["hidden"]) + ["linear"]
        self._install(Network(sizes, acts, seed=values["seed"]), values, epoch=0)

    def _install(self, net: Network, values: dict, epoch: int) -> None:
        self.net = net
        self.activation = values["activation"]
        self.optimizer = optimizers.make(values["optimizer"], values["learning_rate"])
        self.batch_size = values["batch_size"]
        self.l2 = values["l2"]
        self.target = values["epochs"]
        self.epoch = epoch
        self.losses: list[float] = []
        self.accuracies: list[float] = []
        self.diverged = False
        self._order: np.ndarray | None = None
        self._cursor = 0
        self._epoch_loss = 0.0
        self._version = 0
        self._cache: dict = {}
        self.changed.emit("network")

    @property
    def finished(self) -> bool:
        """The run reached its target (or blew up): nothing left to train."""
        return self.diverged or self.epoch >= self.target

    @property
    def progress(self) -> float:
        """0 … 1: how far the run is, counting the batches of the epoch under way."""
        if self.target <= 0:
            return 1.0
        n = self.train_x.shape[0]
        part = min(self._cursor, n) / n if self._order is not None else 0.0
        return min(1.0, (self.epoch + part) / self.target)

    @property
    def trained(self) -> bool:
        return self.epoch > 0

    # -- training ---------------------------------------------------------------------------
    def train_slice(self, seconds: float | None = None, max_epochs: int = 1) -> int:
        """Train whole mini-batches until ``max_epochs`` epochs have finished or
        ``seconds`` have passed (None: no time limit), whichever comes first; at least one
        batch runs. Returns the number of epochs finished. Epochs beyond ``target`` run
        when asked (the Step button); the run is then simply longer.
        """
        if self.diverged:
            return 0
        start = time.perf_counter()
        finished = 0
        net, opt = self.net, self.optimizer
        n = self.train_x.shape[0]
        m = min(self.batch_size, n)
        while finished < max_epochs:
            if self._order is None:
                self._order = net.rng.permutation(n)
                self._cursor = 0
                self._epoch_loss = 0.0
            stop = min(self._cursor + m, n)
            batch = self._order[self._cursor:stop]
            value = net.train_step(self.train_x[batch], self.train_t[batch], opt,
                                   "cross_entropy", l2=self.l2)
            self._version += 1
            if not math.isfinite(value) or net.diverged:
                self.diverged = True
                self._order = None
                self.changed.emit("epoch")
                return finished
            self._epoch_loss += value * (stop - self._cursor)
            self._cursor = stop
            if stop >= n:
                self._order = None
                self.epoch += 1
                finished += 1
                self.losses.append(self._epoch_loss / n)
                self.accuracies.append(self.test_accuracy())
                self.changed.emit("epoch")
            if seconds is not None and time.perf_counter() - start >= seconds:
                break
        return finished

    def train_epochs(self, count: int = 1) -> int:
        """``count`` whole epochs, however long they take (tests, the Step button)."""
        return self.train_slice(None, max_epochs=int(count))

    def run(self) -> int:
        """Train to the end of the run; returns the epochs trained."""
        return self.train_epochs(max(0, self.target - self.epoch)) if not self.finished else 0

    # -- what the network says ----------------------------------------------------------------
    def _cached(self, key, compute):
        entry = self._cache.get(key)
        if entry is None or entry[0] != self._version:
            entry = (self._version, compute())
            self._cache[key] = entry
        return entry[1]

    def test_probabilities(self) -> np.ndarray:
        return self._cached("test_p", lambda: self.net.probabilities(self.test_x))

    def test_predictions(self) -> np.ndarray:
        return self._cached("test_guess",
                            lambda: np.argmax(self.test_probabilities(), axis=1))

    def test_accuracy(self) -> float:
        """The share of held-out digits the network reads correctly."""
        return float(np.mean(self.test_predictions() == self.test_y))

    def confusion(self) -> np.ndarray:
        """10 × 10 counts over the held-out digits: row = the true digit, column = the
        network's guess. The diagonal is what it got right; it sums to the test size."""
        def compute():
            counts = np.zeros((CLASSES, CLASSES), dtype=np.int64)
            np.add.at(counts, (self.test_y, self.test_predictions()), 1)
            return counts

        return self._cached("confusion", compute)

    def mistakes(self) -> list[Mistake]:
        """Every held-out digit read wrongly, in the data set's order."""
        def compute():
            guess = self.test_predictions()
            p = self.test_probabilities()
            wrong = np.flatnonzero(guess != self.test_y)
            return [Mistake(int(self.test_idx[k]), int(self.test_y[k]), int(guess[k]),
                            float(p[k, guess[k]])) for k in wrong]

        return self._cached("mistakes", compute)

    def first_layer(self) -> np.ndarray:
        """The first layer's weights as pictures: (neurons, 8, 8), one per neuron, the
        weight from each pixel at that pixel's place."""
        W, _ = self.net.params[0]
        return W.T.reshape(-1, SIDE, SIDE).copy()

    def read(self, values) -> np.ndarray:
        """Class probabilities (10) for one digit given as 64 values 0 … 16."""
        x = np.asarray(values, dtype=np.float64).reshape(1, SIDE * SIDE) / MAX_VALUE
        return self.net.probabilities(x)[0]

    def picture(self, index: int) -> np.ndarray:
        """Row ``index`` of the data set as an 8 × 8 picture (values 0 … 16)."""
        return self.X[int(index)].reshape(SIDE, SIDE)

    # -- saving --------------------------------------------------------------------------------
    def state(self) -> dict:
        """The settings, and the network itself ("network": its layer sizes, activation,
        epoch and every weight) when it has at most ``MAX_SAVED_PARAMETERS`` weights and
        biases (else None: a scenario file stays small; the settings rebuild it)."""
        s = self.settings
        out = {name: getattr(s, name) for name in SETTING_NAMES}
        out["hidden"] = list(s.hidden)
        out["network"] = None
        if self.net.parameter_count <= MAX_SAVED_PARAMETERS:
            out["network"] = {
                "layer_sizes": list(self.net.layer_sizes),
                "activation": self.activation,
                "epoch": self.epoch,
                "weights": self.net.flat.tolist(),
            }
        return out

    def restore(self, state: dict) -> None:
        """Apply a ``state()`` dict; raises ValueError (changing nothing) on bad input.

        Without a "network" entry (or with None) only the settings change (the network
        stays); with one, its weights are checked against its layer sizes and become the
        network.
        """
        if not isinstance(state, dict):
            raise ValueError("the digits state must be a dictionary")
        values = check_settings(state)
        saved = state.get("network")
        net = epoch = None
        if saved is not None:
            if not isinstance(saved, dict):
                raise ValueError("the saved network must be a dictionary")
            sizes = saved.get("layer_sizes")
            if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or \
                    len(sizes) < 2:
                raise ValueError(f"layer_sizes must be a list like [64, 32, 10], got {sizes!r}")
            hidden = check_hidden(list(sizes)[1:-1])
            if _whole(sizes[0], "the inputs", 1, 10_000) != SIDE * SIDE or \
                    _whole(sizes[-1], "the outputs", 1, 10_000) != CLASSES:
                raise ValueError(f"a digits network has {SIDE * SIDE} inputs and {CLASSES} "
                                 f"outputs, got layer_sizes {list(sizes)!r}")
            activation = _choice(saved.get("activation", values["activation"]), "activation",
                                 HIDDEN_ACTIVATIONS)
            epoch = _whole(saved.get("epoch", 0), "the epoch", 0, 10_000_000)
            net = Network((SIDE * SIDE, *hidden, CLASSES),
                          [activation] * len(hidden) + ["linear"], seed=values["seed"])
            try:
                flat = np.asarray(saved.get("weights"), dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError("the weights must be a list of numbers") from None
            if flat.shape != (net.parameter_count,):
                raise ValueError(f"this network has {net.parameter_count} weights and biases; "
                                 f"the state gives {flat.size}")
            if not np.isfinite(flat).all():
                raise ValueError("the weights must be finite numbers")
            net.set_flat(flat)
            run_values = dict(values, activation=activation)
        with self.settings.events.blocked():
            for name, value in values.items():
                setattr(self.settings, name, value)
        if net is not None:
            self._install(net, run_values, epoch=epoch)
            self.target = max(self.target, epoch)
        self.changed.emit("settings")
