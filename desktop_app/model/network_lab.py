"""The network builder's model: examples, a network, an optimizer, and the training run.

Everything the network tab shows comes from here; the tab only draws it. ``NetworkLab``
holds what the student chose (``LabSettings``, an evented dataclass whose fields the tab's
controls mirror both ways), the examples made from those choices (split into a training
and a test set), the :class:`~desktop_app.model.network.Network`, its optimizer, the loss
history and a thinned record of every parameter after every epoch (for the path on the
loss landscape). It runs with no Qt at all.

Tasks (``TASKS``)
    "fit"       1 input: learn a curve f(x) from examples; the distance being made small is
                Σ (g(x) − f(x))² over the training examples (``distance_squared``).
    "classify"  2 inputs: two classes of points (circle, xor, two blobs, spiral).
    "regress"   2 inputs: a surface of numbers (tilted plane, bumps).
    "article"   3 inputs: the article's network (x, y, z → two layers of 3 → one output) on
                a 3-input target (``THREE_INPUT_SETS``); pictures show the slice z = 0.

Losses: "mse" (squared error) everywhere; "cross_entropy" for classification only. A
classification net trained with squared error aims at −1 (class 0) and +1 (class 1), so
in both cases the class is "output above 0" (``Network.predict_classes``).

What a change does
    data (dataset, formula, points, noise, seed, test share), the task or the loss
        → new examples, fresh weights from the seed, the history starts again;
    the layers (hidden sizes, activations)
        → the weights that still fit are kept, the history starts again;
    optimizer → a fresh optimizer, training goes on;  learning rate → the same optimizer
        goes on with the new rate;  batch, regularisation → used from the next epoch on.
"""

# X, T, W, A, B, L: the usual mathematical names (inputs, targets, weights, grids).
# ruff: noqa: N803, N806

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from psygnal import Signal, evented

from desktop_app.model import datasets, expression, optimizers
from desktop_app.model.datasets import CLASSIFICATION, REGRESSION, Dataset
from desktop_app.model.functions import CURVES
from desktop_app.model.network import ACTIVATIONS, ConvergenceMonitor, Network

__all__ = [
    "CONVERGED",
    "DIVERGED",
    "READY",
    "TASKS",
    "THREE_INPUT_SETS",
    "TYPED",
    "Collapse",
    "LabSettings",
    "Landscape",
    "NetworkLab",
    "ParameterHistory",
    "class_score",
    "closest_linear",
    "collapse_report",
    "distance_squared",
    "make_three_input",
    "neuron_pictures",
    "picture_inputs",
    "residuals",
    "training_targets",
]

TASKS = ("fit", "classify", "regress", "article")
TASK_TITLES = {
    "fit": "Fit a function (1 input)",
    "classify": "Classify points (2 inputs)",
    "regress": "2-D regression (2 inputs)",
    "article": "The article's network (3 inputs)",
}
TYPED = "typed"

#: The data sets each task offers, in menu order.
TASK_DATASETS: dict[str, tuple[str, ...]] = {
    "fit": tuple(f"curve:{name}" for name in CURVES) + (TYPED,),
    "classify": ("xor", "circle", "gaussians", "spiral"),
    "regress": ("plane", "bumps"),
    "article": ("article_flat", "article_curved"),
}
TASK_INPUTS = {"fit": 1, "classify": 2, "regress": 2, "article": 3}
DEFAULT_POINTS = {"fit": 24, "classify": 200, "regress": 200, "article": 200}
MIN_POINTS, MAX_POINTS = 4, 1000

LOSS_TITLES = {"mse": "Squared error", "cross_entropy": "Cross-entropy"}
REGULARIZATIONS = ("none", "l1", "l2")
REGULARIZATION_TITLES = {"none": "None", "l1": "L1 (Σ|w|)", "l2": "L2 (½·Σw²)"}

MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 8
MAX_EPOCHS_PER_FRAME = 500
MAX_BATCH = 1000
MAX_SEED = 1_000_000
MAX_TEST_RATIO = 0.9
MAX_NOISE = 10.0
MAX_WEIGHT = 1e6
LR_RANGE = (1e-4, 10.0)

READY = "ready"
CONVERGED = "converged"
DIVERGED = "diverged"

#: When training stops by itself: no 1 % gain in 200 epochs, or the loss below 10⁻⁴.
PATIENCE, TOLERANCE, FLOOR = 200, 0.01, 1e-4

#: The loss landscape spans at least this far on each side of the current weights.
LANDSCAPE_RADIUS = 2.0

# --------------------------------------------------------------------------------------
# The article's three-input sets
# --------------------------------------------------------------------------------------


def _flat(X):
    return 2.3 * X[:, 0] + 4.2 * X[:, 1] + 5.1 * X[:, 2] + 1.0


def _curved(X):
    return X[:, 0] ** 2 + X[:, 1] * X[:, 2]


#: name -> (title, formula, function of the n × 3 inputs).
THREE_INPUT_SETS: dict[str, tuple[str, str, Callable]] = {
    # The article's example function 23a + 42b + 51c + d, with numbers ten times smaller
    # and its fourth input fixed at 1: a flat target that a network of straight neurons
    # can match exactly.
    "article_flat": ("Flat: 2.3x + 4.2y + 5.1z + 1", "2.3x + 4.2y + 5.1z + 1", _flat),
    # A bent target no network of straight neurons can match.
    "article_curved": ("Curved: x² + y·z", "x² + y·z", _curved),
}


def make_three_input(name: str, n: int = 200, noise: float = 0.0, seed: int = 0) -> Dataset:
    """A 3-input regression set: inputs uniform in [−1, 1]³, target from ``THREE_INPUT_SETS``.

    Noise is Gaussian, added to the targets (standard deviation ``noise``).
    """
    if name not in THREE_INPUT_SETS:
        raise ValueError(f"unknown 3-input set {name!r}; choose one of "
                         f"{', '.join(THREE_INPUT_SETS)}")
    n = _whole(n, "the number of points", 2, datasets.MAX_POINTS)
    noise = _number(noise, "the noise", 0.0, math.inf)
    seed = _whole(seed, "the seed", 0, None)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, (n, 3))
    _, text, f = THREE_INPUT_SETS[name]
    T = f(X)
    if noise:
        T = T + noise * rng.standard_normal(n)
    return Dataset(X, T.reshape(-1, 1), REGRESSION, name, ("x", "y", "z"),
                   ((-1.0, 1.0),) * 3, text)


def layer_title(layer: int, n_layers: int) -> str:
    """"hidden layer 2" or "the output layer" for a layer number 1 … L."""
    return "the output layer" if layer == n_layers else f"hidden layer {layer}"


def dataset_title(name: str) -> str:
    if name == TYPED:
        return "Type your own f(x)…"
    if name in THREE_INPUT_SETS:
        return THREE_INPUT_SETS[name][0]
    return datasets.TITLES.get(name, name)


# --------------------------------------------------------------------------------------
# Small pure functions the tab shows
# --------------------------------------------------------------------------------------


def training_targets(data: Dataset, loss: str) -> np.ndarray:
    """The numbers the network is trained to output: the set's targets, except that a
    classification set trained with squared error aims at −1 and +1 instead of 0 and 1."""
    if data.kind == CLASSIFICATION and loss == "mse":
        return 2.0 * data.T - 1.0
    return np.asarray(data.T)


def class_score(y: np.ndarray, loss: str) -> np.ndarray:
    """How sure the network is of class 1, from −1 (sure of class 0) to +1 (sure of 1).

    For cross-entropy it is 2σ(y) − 1 = tanh(y / 2); for squared error (targets ±1) the
    output itself, clipped to [−1, 1]. Zero is the decision boundary in both cases.
    """
    y = np.asarray(y, dtype=np.float64)
    with np.errstate(all="ignore"):
        if loss == "cross_entropy":
            return np.tanh(0.5 * y)
        return np.clip(y, -1.0, 1.0)


def residuals(net: Network, X, T) -> tuple[np.ndarray, np.ndarray]:
    """(g, g − f): the network's answers and how far each is from its target (n values)."""
    g = net.forward(X)[:, 0]
    f = np.asarray(T, dtype=np.float64).reshape(-1)
    with np.errstate(all="ignore"):
        return g, g - f


def distance_squared(net: Network, X, T) -> float:
    """Σ (g(x) − f(x))² over the examples: the squared distance between the network g and
    the target f, measured at the examples (the sum the training makes small)."""
    _, r = residuals(net, X, T)
    with np.errstate(all="ignore"):
        return float(np.dot(r, r))


@dataclass(frozen=True)
class Collapse:
    """Whether a network is secretly one linear neuron, and that neuron if it is.

    ``weights``/``bias``/``formula``/``max_difference`` are None unless ``collapses``;
    ``nonlinear`` lists (layer, activation) of every layer that bends.
    ``network_outputs``: the network's output for each input; ``neuron_outputs``: the
    single neuron's when it collapses, otherwise the closest any single straight neuron
    gets (least squares, ``closest_linear``) with ``closest_gap`` its largest miss.
    """

    collapses: bool
    weights: np.ndarray | None
    bias: float | None
    formula: str | None
    max_difference: float | None
    nonlinear: tuple[tuple[int, str], ...]
    n_layers: int
    network_outputs: np.ndarray
    neuron_outputs: np.ndarray | None
    closest_gap: float | None = None

    @property
    def reason(self) -> str:
        """A sentence for the student, naming every layer that bends."""
        if self.collapses:
            return ("Every neuron is straight (linear), so the whole network is the same "
                    "as a single neuron.")
        layers = [f"layer {k} ({layer_title(k, self.n_layers)}) uses {name}"
                  for k, name in self.nonlinear]
        listed = layers[0] if len(layers) == 1 else ", ".join(layers[:-1]) + " and " + layers[-1]
        return (f"It no longer collapses: {listed}. A bent layer cannot be squeezed "
                "into one straight neuron.")


def closest_linear(X, y) -> np.ndarray:
    """The outputs of the single straight neuron w·x + b closest to ``y`` at the inputs X
    (least squares); nan everywhere if y has a non-finite value."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if not np.isfinite(y).all() or not np.isfinite(X).all():
        return np.full(y.shape, np.nan)
    A = np.column_stack([X, np.ones(X.shape[0])])
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    return A @ coef


def collapse_report(net: Network, X) -> Collapse:
    """The single neuron a network of linear neurons equals (``equivalent_linear``), and
    the largest difference between the two over the inputs X; or, when some layer bends,
    which ones do."""
    X = np.asarray(X, dtype=np.float64)
    outputs = net.forward(X)[:, 0]
    nonlinear = tuple((k, name) for k, name in enumerate(net.activations, start=1)
                      if name != "linear")
    if nonlinear:
        closest = closest_linear(X, outputs)
        with np.errstate(all="ignore"):
            gap = np.abs(closest - outputs)
            closest_gap = float(gap.max()) if gap.size else 0.0
        return Collapse(False, None, None, None, None, nonlinear, net.n_layers, outputs,
                        closest, closest_gap)
    W, b = net.equivalent_linear()
    single = Network([net.n_inputs, 1], "linear")
    single.params[0][0][...] = W
    single.params[0][1][...] = b
    with np.errstate(all="ignore"):
        neuron = (X @ W + b)[:, 0]
        diff = np.abs(neuron - outputs)
        max_difference = float(diff.max()) if diff.size else 0.0
    return Collapse(True, W[:, 0].copy(), float(b[0]), single.neuron_formula(1, 0),
                    max_difference, (), net.n_layers, outputs, neuron)


def picture_inputs(n_inputs: int, bounds, resolution: int) -> tuple[np.ndarray, tuple[int, ...]]:
    """Inputs for a neuron's small picture and the picture's shape.

    1 input: ``resolution`` values of x across ``bounds[0]`` (shape (res,));
    2 inputs: a res × res grid over x and y (shape (res, res), row i is the i-th y from
    the bottom); 3 inputs: the same grid on the slice z = 0.
    """
    res = int(resolution)
    xs = np.linspace(*bounds[0], res)
    if n_inputs == 1:
        return xs.reshape(-1, 1), (res,)
    ys = np.linspace(*bounds[1], res)
    gx, gy = np.meshgrid(xs, ys)  # row = y
    columns = [gx.ravel(), gy.ravel()]
    if n_inputs == 3:
        columns.append(np.zeros(gx.size))
    elif n_inputs != 2:
        raise ValueError("pictures need 1, 2 or 3 inputs")
    return np.column_stack(columns), (res, res)


def _scaled(values: np.ndarray, activation: str | None) -> np.ndarray:
    """Values of one layer (n × neurons) scaled into [−1, 1] for colouring (nan → 0)."""
    values = np.nan_to_num(values, nan=0.0)
    if activation == "tanh":
        return np.clip(values, -1.0, 1.0)
    if activation == "sigmoid":
        return np.clip(2.0 * values - 1.0, -1.0, 1.0)
    with np.errstate(all="ignore"):
        top = np.max(np.abs(values), axis=0, initial=0.0)
        top[~np.isfinite(top) | (top == 0)] = 1.0
        return np.clip(np.nan_to_num(values / top), -1.0, 1.0)


def neuron_pictures(net: Network, X, shape) -> list[np.ndarray]:
    """Every neuron's output over the picture inputs X, scaled into [−1, 1].

    Returns one array per layer 0 … L (layer 0: the inputs themselves), of shape
    (neurons in the layer, *shape). tanh outputs are shown as they are, sigmoid outputs
    as 2a − 1, and relu/linear ones divided by their largest size on the picture (so a
    picture shows the pattern, and its sign, not the scale).
    """
    _, post = net.forward_all(X)
    out = []
    for k, values in enumerate(post):
        name = None if k == 0 else net.activations[k - 1]
        scaled = _scaled(values, name)
        out.append(np.ascontiguousarray(scaled.T).reshape((values.shape[1],) + tuple(shape)))
    return out


# --------------------------------------------------------------------------------------
# History of the parameters (for the path on the loss landscape)
# --------------------------------------------------------------------------------------


class ParameterHistory:
    """The flat parameter vector after every epoch, thinned to at most ``capacity`` rows.

    While it fits, every call to ``append`` is kept. When full, every other row is dropped
    and from then on only every 2nd (then 4th, …) call is kept, so a long run keeps an
    evenly spread path in bounded memory. ``path(a, b)`` always ends at the newest vector.
    """

    def __init__(self, size: int, capacity: int = 4096) -> None:
        if capacity < 4:
            raise ValueError("capacity must be at least 4")
        self.capacity = int(capacity)
        self._rows = np.empty((self.capacity, int(size)))
        self._last = np.empty(int(size))
        self.clear()

    def clear(self) -> None:
        self._count = 0
        self._stride = 1
        self._calls = 0
        self._last_is_extra = False

    def __len__(self) -> int:
        """How many points the path has (the kept ones, plus the newest if not kept)."""
        return self._count + (1 if self._last_is_extra else 0)

    @property
    def stride(self) -> int:
        """1 while every vector is kept; 2, 4, … once the history had to be thinned."""
        return self._stride

    def append(self, flat: np.ndarray) -> None:
        np.copyto(self._last, flat)
        call = self._calls
        self._calls += 1
        keep = call % self._stride == 0
        if keep and self._count == self.capacity:
            kept = self._rows[: self._count : 2].copy()
            self._count = kept.shape[0]
            self._rows[: self._count] = kept
            self._stride *= 2
            keep = call % self._stride == 0
        if keep:
            self._rows[self._count] = flat
            self._count += 1
        self._last_is_extra = not keep

    def path(self, index_a: int, index_b: int) -> np.ndarray:
        """(N, 2): the two parameters' values along the kept history, newest last."""
        pts = self._rows[: self._count][:, [index_a, index_b]]
        if self._last_is_extra:
            pts = np.vstack([pts, self._last[[index_a, index_b]]])
        return pts


class _Series:
    """A growing float array (amortised doubling)."""

    def __init__(self) -> None:
        self._data = np.empty(256)
        self._n = 0

    def append(self, value: float) -> None:
        if self._n == self._data.size:
            grown = np.empty(2 * self._data.size)
            grown[: self._n] = self._data[: self._n]
            self._data = grown
        self._data[self._n] = value
        self._n += 1

    def clear(self) -> None:
        self._n = 0

    def replace_last(self, value: float) -> None:
        self._data[self._n - 1] = value

    def __len__(self) -> int:
        return self._n

    @property
    def values(self) -> np.ndarray:
        return self._data[: self._n]


# --------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------


@evented
@dataclass
class LabSettings:
    """What the student chose; the network tab's controls mirror these fields.

    ``hidden`` holds the hidden layers' sizes (0 to 6 layers of 1 to 8 neurons) and
    ``activations`` one name per layer after the inputs, the output layer last (so it has
    ``len(hidden) + 1`` names). ``batch_size`` 0 means "all the training examples at once".
    """

    task: str = "classify"
    dataset: str = "xor"
    formula: str = "sin(2x)"
    points: int = 200
    noise: float = 0.0
    seed: int = 0
    test_ratio: float = 0.3
    hidden: tuple[int, ...] = (4, 4)
    activations: tuple[str, ...] = ("tanh", "tanh", "linear")
    optimizer: str = "adam"
    learning_rate: float = 0.03
    batch_size: int = 10
    loss: str = "cross_entropy"
    regularization: str = "none"
    regularization_rate: float = 0.001
    epochs_per_frame: int = 10


DATA_FIELDS = ("dataset", "formula", "points", "noise", "seed", "test_ratio")


def _whole(value, what: str, lo: int, hi: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{what} must be a whole number, got {value!r}")
    value = int(value)
    if value < lo or (hi is not None and value > hi):
        upper = "" if hi is None else f" and at most {hi}"
        raise ValueError(f"{what} must be at least {lo}{upper}, got {value}")
    return value


def _number(value, what: str, lo: float, hi: float, open_low: bool = False) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(number) or number < lo or number > hi or (open_low and number == lo):
        raise ValueError(f"{what} must be a number from {lo:g} to {hi:g}, got {value!r}")
    return number


def _choice(value, what: str, options) -> str:
    if value not in options:
        raise ValueError(f"unknown {what} {value!r}; choose one of {', '.join(options)}")
    return value


def check_settings(values: dict) -> dict:
    """The settings in ``values`` checked and normalised; raises ValueError on anything
    out of range, naming the field. Unknown keys are ignored."""
    out = {}
    task = _choice(values["task"], "task", TASKS)
    out["task"] = task
    out["dataset"] = _choice(values["dataset"], "data set", TASK_DATASETS[task])
    formula = values.get("formula", "")
    if not isinstance(formula, str):
        raise ValueError(f"the formula must be text, got {formula!r}")
    out["formula"] = formula
    out["points"] = _whole(values["points"], "the number of points", MIN_POINTS, MAX_POINTS)
    out["noise"] = _number(values["noise"], "the noise", 0.0, MAX_NOISE)
    out["seed"] = _whole(values["seed"], "the seed", 0, MAX_SEED)
    out["test_ratio"] = _number(values["test_ratio"], "the test share", 0.0, MAX_TEST_RATIO)
    hidden = values["hidden"]
    if isinstance(hidden, (str, bytes)) or not hasattr(hidden, "__len__"):
        raise ValueError(f"the hidden layers must be a list of sizes, got {hidden!r}")
    if len(hidden) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(hidden)}")
    out["hidden"] = tuple(_whole(s, "a hidden layer's size", 1, MAX_NEURONS) for s in hidden)
    acts = values["activations"]
    if isinstance(acts, (str, bytes)) or not hasattr(acts, "__len__"):
        raise ValueError(f"the activations must be a list of names, got {acts!r}")
    if len(acts) != len(out["hidden"]) + 1:
        raise ValueError(f"give one activation per layer after the inputs: "
                         f"{len(out['hidden']) + 1} needed, got {len(acts)}")
    out["activations"] = tuple(_choice(a, "activation", ACTIVATIONS) for a in acts)
    out["optimizer"] = _choice(values["optimizer"], "optimizer", optimizers.OPTIMIZER_NAMES)
    out["learning_rate"] = _number(values["learning_rate"], "the learning rate", *LR_RANGE)
    out["batch_size"] = _whole(values["batch_size"], "the batch size", 0, MAX_BATCH)
    loss = _choice(values["loss"], "loss", tuple(LOSS_TITLES))
    if loss == "cross_entropy" and task != "classify":
        raise ValueError("cross-entropy is for classifying points; this task needs "
                         "squared error")
    out["loss"] = loss
    out["regularization"] = _choice(values["regularization"], "regularisation",
                                    REGULARIZATIONS)
    out["regularization_rate"] = _number(values["regularization_rate"],
                                         "the regularisation rate", 0.0, 10.0)
    out["epochs_per_frame"] = _whole(values["epochs_per_frame"], "the epochs per frame", 1,
                                     MAX_EPOCHS_PER_FRAME)
    return out


def _settings_dict(settings: LabSettings) -> dict:
    return {name: getattr(settings, name) for name in LabSettings.__dataclass_fields__}


# --------------------------------------------------------------------------------------
# The loss landscape, computed away from the lab (on copies)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Landscape:
    """The training loss over a grid of two parameters (every other one as it was).

    ``values_a``/``values_b``: the n grid values of each; ``loss[i, j]`` at
    (values_a[i], values_b[j]); ``centre`` the two parameters' values when it was made,
    which is the grid's middle point ``loss[n // 2, n // 2]``.
    """

    index_a: int
    index_b: int
    values_a: np.ndarray
    values_b: np.ndarray
    loss: np.ndarray
    centre: tuple[float, float]
    epoch: int

    @property
    def centre_loss(self) -> float:
        m = self.values_a.size // 2
        return float(self.loss[m, m])


# --------------------------------------------------------------------------------------
# The lab
# --------------------------------------------------------------------------------------


class NetworkLab:
    """Examples + network + optimizer + training run, rebuilt from ``settings``.

    ``changed`` is emitted with a word after anything the view should redraw:
    "data" (new examples and fresh weights), "network" (new layers), "weights" (a weight
    was typed in), "points" (a point was added), "objective" (the loss or the penalty
    changed: what training makes small is another function now), "training" (optimizer,
    rate, batch…), "reset" or "restored".
    """

    changed = Signal(str)

    def __init__(self, settings: LabSettings | None = None) -> None:
        self.settings = settings if settings is not None else LabSettings()
        check_settings(_settings_dict(self.settings))
        self.added: list[tuple[float, float, float | None]] = []
        self.monitor = ConvergenceMonitor(PATIENCE, TOLERANCE, FLOOR)
        self.status = READY
        self._train_loss = _Series()
        self._test_loss = _Series()
        self._build_data()
        self._build_network(fresh=True)
        self.settings.events.connect(self._on_setting)

    # -- what the view reads ---------------------------------------------------------------
    @property
    def task(self) -> str:
        return self.settings.task

    @property
    def loss_kind(self) -> str:
        return self.settings.loss

    @property
    def l1(self) -> float:
        s = self.settings
        return s.regularization_rate if s.regularization == "l1" else 0.0

    @property
    def l2(self) -> float:
        s = self.settings
        return s.regularization_rate if s.regularization == "l2" else 0.0

    @property
    def is_classification(self) -> bool:
        return self.data.kind == CLASSIFICATION

    @property
    def n_inputs(self) -> int:
        return self.data.n_inputs

    @property
    def batch(self) -> int | None:
        return self.settings.batch_size or None

    @property
    def epoch(self) -> int:
        return max(0, len(self._train_loss) - 1)

    @property
    def converged(self) -> bool:
        return self.status == CONVERGED

    @property
    def diverged(self) -> bool:
        return self.status == DIVERGED

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return self.net.layer_sizes

    def history(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(epochs, train loss, test loss) from epoch 0 (the untrained network) on.

        The losses are the data loss on each whole set after each epoch (no penalty);
        the test loss is nan when there is no test set.
        """
        train = self._train_loss.values
        return np.arange(train.size, dtype=np.float64), train, self._test_loss.values

    def path(self, index_a: int, index_b: int) -> np.ndarray:
        """The two parameters' values after each epoch since the start (thinned on long
        runs), N × 2, the current values last."""
        return self.params_history.path(index_a, index_b)

    def objective(self) -> float:
        """What training makes small: the training loss plus the L1/L2 penalty."""
        return self.net.loss(self.train.X, self.train_targets, self.loss_kind, self.l1, self.l2)

    def losses(self) -> tuple[float, float]:
        """(train, test) data losses now (test: nan without a test set)."""
        return float(self._train_loss.values[-1]), float(self._test_loss.values[-1])

    def accuracies(self) -> tuple[float, float]:
        """(train, test) fraction classified correctly (test: nan without a test set)."""
        train = self.net.accuracy(self.train.X, self.train_targets)
        test = (self.net.accuracy(self.test.X, self.test_targets) if len(self.test)
                else math.nan)
        return train, test

    def all_inputs(self) -> np.ndarray:
        return np.vstack([self.train.X, self.test.X])

    def view_bounds(self) -> tuple[tuple[float, float], ...]:
        """The input region the pictures show: the set's region, widened to every example,
        with a little room around."""
        out = []
        X = self.all_inputs()
        for i, (lo, hi) in enumerate(self.data.bounds):
            if X.shape[0]:
                lo, hi = min(lo, float(X[:, i].min())), max(hi, float(X[:, i].max()))
            pad = 0.05 * (hi - lo)
            out.append((lo - pad, hi + pad))
        return tuple(out)

    def prediction_grid(self, resolution: int = 64) -> np.ndarray:
        """The network over a res × res grid of the pictured region (2 or 3 inputs: the
        slice z = 0), row i the i-th y from the bottom. Classification: ``class_score``
        (−1 … 1); otherwise the output itself."""
        key = (resolution, self.view_bounds())
        if self._grid_key != key:
            self._grid_key = key
            self._grid_inputs, _ = picture_inputs(self.n_inputs, key[1], resolution)
        y = self.net.forward(self._grid_inputs)[:, 0].reshape(resolution, resolution)
        if self.is_classification:
            return class_score(y, self.loss_kind)
        return y

    _grid_key = None

    def curve(self, xs) -> np.ndarray:
        """The network's g(x) at ``xs`` (1-input tasks)."""
        return self.net.forward(np.asarray(xs, dtype=np.float64).reshape(-1, 1))[:, 0]

    def target_curve(self, xs) -> np.ndarray | None:
        """f(x) without noise at ``xs`` for the fit task (None for other tasks)."""
        if self.task != "fit":
            return None
        xs = np.asarray(xs, dtype=np.float64)
        with np.errstate(all="ignore"):
            if self.settings.dataset == TYPED:
                f = expression.parse(self.settings.formula, variables=("x",))
                values = f(xs)
            else:
                values = CURVES[self.settings.dataset.split(":", 1)[1]].f(xs)
        return np.broadcast_to(np.asarray(values, dtype=np.float64), xs.shape).copy()

    def distance(self) -> float:
        """Σ (g(x) − f(x))² over the training examples."""
        return distance_squared(self.net, self.train.X, self.train.T)

    def collapse(self) -> Collapse:
        return collapse_report(self.net, self.all_inputs())

    def pictures(self, resolution: int) -> list[np.ndarray]:
        """Each neuron's small picture (see ``neuron_pictures``)."""
        key = (resolution, self.view_bounds())
        if self._picture_key != key:
            self._picture_key = key
            self._picture_inputs, self._picture_shape = picture_inputs(
                self.n_inputs, key[1], resolution)
        pictures = neuron_pictures(self.net, self._picture_inputs, self._picture_shape)
        if self.is_classification:
            # The output neuron shows the same class score as the big picture.
            y = self.net.forward(self._picture_inputs)[:, 0]
            score = np.nan_to_num(class_score(y, self.loss_kind))
            pictures[-1] = score.reshape((1,) + tuple(self._picture_shape))
        return pictures

    _picture_key = None

    def weight_names(self) -> list[str]:
        return self.net.weight_names()

    # -- training ----------------------------------------------------------------------------
    def train_epochs(self, count: int = 1) -> int:
        """Up to ``count`` epochs; stops early on convergence or divergence. Returns how
        many ran. A converged run goes on when asked again (its monitor starts afresh)."""
        if self.status == DIVERGED:
            return 0
        if self.status == CONVERGED:
            self.resume()
        s = self.settings
        net, opt = self.net, self.optimizer
        X, T = self.train.X, self.train_targets
        kind, batch, l1, l2 = s.loss, self.batch, self.l1, self.l2
        done = 0
        for _ in range(int(count)):
            value = net.train_epoch(X, T, opt, kind, batch, l1=l1, l2=l2)
            done += 1
            train_loss = self._record()
            if not math.isfinite(value) or not math.isfinite(train_loss) or net.diverged:
                self.status = DIVERGED
                break
            if self.monitor.update(train_loss + self._penalty()):
                self.status = CONVERGED
                break
        return done

    def resume(self) -> None:
        """Forget that training had converged (the next epochs watch for a new plateau)."""
        if self.status == CONVERGED:
            self.status = READY
        self.monitor.reset()

    def _penalty(self) -> float:
        l1, l2 = self.l1, self.l2
        if not (l1 or l2):
            return 0.0
        total = 0.0
        for W, _ in self.net.params:
            total += l1 * float(np.abs(W).sum()) + 0.5 * l2 * float(np.vdot(W, W))
        return total

    def _record(self, replace: bool = False) -> float:
        """Note the losses and the parameters now: after an epoch, or (``replace``) after
        a hand-made change, which rewrites the newest epoch's losses and adds a path point."""
        net = self.net
        train = net.loss(self.train.X, self.train_targets, self.loss_kind)
        test = (net.loss(self.test.X, self.test_targets, self.loss_kind) if len(self.test)
                else math.nan)
        if replace:
            self._train_loss.replace_last(train)
            self._test_loss.replace_last(test)
        else:
            self._train_loss.append(train)
            self._test_loss.append(test)
        self.params_history.append(net.flat)
        return train

    def restart_history(self) -> None:
        """Epoch 0 is now: clear the curves and the path, fresh optimizer and monitor."""
        self.optimizer = optimizers.make(self.settings.optimizer, self.settings.learning_rate)
        self.monitor.reset()
        self.status = READY
        self._train_loss.clear()
        self._test_loss.clear()
        self.params_history = ParameterHistory(self.net.parameter_count)
        self._record()

    def reset(self) -> None:
        """Fresh weights from the seed, and training starts again (same examples)."""
        self._build_network(fresh=True)
        self.changed.emit("reset")

    # -- building ----------------------------------------------------------------------------
    def _make_data(self, values: dict) -> tuple[Dataset, Dataset, Dataset]:
        name, n, noise, seed = (values["dataset"], values["points"], values["noise"],
                                values["seed"])
        if name == TYPED:
            data = datasets.make_from_text(values["formula"], n, noise, seed)
        elif name in THREE_INPUT_SETS:
            data = make_three_input(name, n, noise, seed)
        else:
            data = datasets.make(name, n, noise, seed)
        train, test = datasets.split(data, values["test_ratio"], seed)
        return data, train, test

    def _build_data(self) -> None:
        self.data, self.train, self.test = self._make_data(_settings_dict(self.settings))
        for x, y, label in self.added:
            self.train = datasets.with_point(self.train, x, y, label)
        self._retarget()

    def _retarget(self) -> None:
        self.train_targets = training_targets(self.train, self.settings.loss)
        self.test_targets = training_targets(self.test, self.settings.loss)

    def _sizes(self) -> tuple[int, ...]:
        return (self.n_inputs, *self.settings.hidden, 1)

    def _build_network(self, fresh: bool) -> None:
        s = self.settings
        sizes = self._sizes()
        if fresh or getattr(self, "net", None) is None:
            self.net = Network(sizes, list(s.activations), seed=s.seed)
        else:
            self.net = self.net.with_layer_sizes(sizes, list(s.activations))
        self.restart_history()

    # -- settings changes --------------------------------------------------------------------
    def _on_setting(self, info) -> None:
        name = info.signal.name
        s = self.settings
        if name == "task":
            with s.events.blocked():
                s.dataset = TASK_DATASETS[s.task][0]
                s.points = DEFAULT_POINTS[s.task]
                s.loss = "cross_entropy" if s.task == "classify" else "mse"
            self.added.clear()
            self._build_data()
            self._build_network(fresh=True)
            self.changed.emit("data")
        elif name in DATA_FIELDS:
            if name in ("dataset", "formula"):
                self.added.clear()
            self._build_data()
            self._build_network(fresh=True)
            self.changed.emit("data")
        elif name == "hidden":
            acts = list(s.activations)
            n_hidden = len(s.hidden)
            hidden_acts = acts[:-1]
            fill = hidden_acts[-1] if hidden_acts else "tanh"
            hidden_acts = (hidden_acts + [fill] * n_hidden)[:n_hidden]
            with s.events.blocked():
                s.activations = (*hidden_acts, acts[-1])
            self._build_network(fresh=False)
            self.changed.emit("network")
        elif name == "activations":
            self._build_network(fresh=False)
            self.changed.emit("network")
        elif name == "optimizer":
            self.optimizer = optimizers.make(s.optimizer, s.learning_rate)
            self.resume()
            self.changed.emit("training")
        elif name == "learning_rate":
            self.optimizer.lr = float(s.learning_rate)
            self.resume()
            self.changed.emit("training")
        elif name == "loss":
            self._retarget()
            self.restart_history()
            self.changed.emit("objective")
        elif name in ("regularization", "regularization_rate"):
            self.resume()
            self.changed.emit("objective")
        elif name == "batch_size":
            self.resume()
            self.changed.emit("training")
        else:
            self.changed.emit("training")

    # -- what the student does ---------------------------------------------------------------
    def set_formula(self, text: str) -> None:
        """Fit a typed f(x); raises ExpressionError (changing nothing) on a mistake."""
        s = self.settings
        values = _settings_dict(s) | {"formula": str(text), "dataset": TYPED}
        self._make_data(values)  # may raise: nothing changed yet
        with s.events.blocked():
            s.dataset = TYPED
        if s.formula == str(text):
            self.added.clear()
            self._build_data()
            self._build_network(fresh=True)
            self.changed.emit("data")
        else:
            s.formula = str(text)

    def add_hidden_layer(self) -> None:
        s = self.settings
        if len(s.hidden) >= MAX_HIDDEN_LAYERS:
            raise ValueError(f"a network here has at most {MAX_HIDDEN_LAYERS} hidden layers")
        size = s.hidden[-1] if s.hidden else 4
        s.hidden = (*s.hidden, size)

    def remove_hidden_layer(self) -> None:
        s = self.settings
        if not s.hidden:
            raise ValueError("there is no hidden layer left to remove")
        s.hidden = s.hidden[:-1]

    def _check_hidden(self, layer: int) -> int:
        if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) or not (
            1 <= layer <= len(self.settings.hidden)
        ):
            raise ValueError(f"hidden layers are numbered 1 to {len(self.settings.hidden)}, "
                             f"got {layer!r}")
        return int(layer)

    def add_neuron(self, layer: int) -> None:
        """One more neuron in hidden layer ``layer`` (1 is the first hidden layer)."""
        k = self._check_hidden(layer)
        sizes = list(self.settings.hidden)
        if sizes[k - 1] >= MAX_NEURONS:
            raise ValueError(f"a layer here has at most {MAX_NEURONS} neurons")
        sizes[k - 1] += 1
        self.settings.hidden = tuple(sizes)

    def remove_neuron(self, layer: int) -> None:
        k = self._check_hidden(layer)
        sizes = list(self.settings.hidden)
        if sizes[k - 1] <= 1:
            raise ValueError("a layer needs at least one neuron")
        sizes[k - 1] -= 1
        self.settings.hidden = tuple(sizes)

    def set_activation(self, layer: int, name: str) -> None:
        """The activation of layer ``layer`` (1 … L, the output layer last)."""
        acts = list(self.settings.activations)
        if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) or not (
            1 <= layer <= len(acts)
        ):
            raise ValueError(f"layers are numbered 1 to {len(acts)}, got {layer!r}")
        acts[int(layer) - 1] = _choice(name, "activation", ACTIVATIONS)
        self.settings.activations = tuple(acts)

    def use_article_network(self) -> None:
        """The article's network: inputs x, y, z; two hidden layers of three; one output;
        every neuron linear, on the flat 3-input target."""
        s = self.settings
        with s.events.blocked():
            s.task = "article"
            s.dataset = TASK_DATASETS["article"][0]
            s.points = DEFAULT_POINTS["article"]
            s.loss = "mse"
            s.hidden = (3, 3)
            s.activations = ("linear", "linear", "linear")
        self.added.clear()
        self._build_data()
        self._build_network(fresh=True)
        self.changed.emit("data")

    def set_weight(self, index: int, value: float) -> None:
        """Type a number into one parameter (index in the flat vector)."""
        size = self.net.parameter_count
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not (
            0 <= index < size
        ):
            raise ValueError(f"the parameter number must be from 0 to {size - 1}")
        value = _number(value, "a weight", -MAX_WEIGHT, MAX_WEIGHT)
        self.net.flat[int(index)] = value
        if self.status == DIVERGED and not self.net.diverged:
            self.status = READY
        self.resume()
        self._record(replace=True)
        self.changed.emit("weights")

    def add_point(self, x: float, y: float, other_class: bool = False) -> None:
        """Add an example where the student clicked.

        Classification: a point of class 1 at (x, y), or class 0 with ``other_class``.
        Fit (1 input): the example f(x) = y. Other tasks raise ValueError.
        """
        if self.task == "classify":
            label: float | None = 0.0 if other_class else 1.0
        elif self.task == "fit":
            label = None
        else:
            raise ValueError("points can be added when fitting a function or classifying")
        self.train = datasets.with_point(self.train, x, y, label)  # may raise
        self.added.append((float(x), float(y), label))
        self._retarget()
        self.resume()
        self._record(replace=True)
        self.changed.emit("points")

    # -- the loss landscape -------------------------------------------------------------------
    def landscape_job(self, index_a: int, index_b: int, n: int = 41) -> Callable[[], Landscape]:
        """A function computing the loss landscape of two parameters on *copies* of the
        network and the examples, so it may run in another thread while training goes on.

        The grid is centred on the current values (its middle point is exactly the current
        network) and reaches at least ``LANDSCAPE_RADIUS`` each way, and further if the
        path so far went further.
        """
        size = self.net.parameter_count
        for index in (index_a, index_b):
            if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not (
                0 <= index < size
            ):
                raise ValueError(f"the parameter number must be from 0 to {size - 1}")
        if index_a == index_b:
            raise ValueError("choose two different weights")
        if n % 2 == 0:
            raise ValueError("use an odd number of grid points, so the middle one is now")
        net = self.net.copy()
        X, T = self.train.X.copy(), self.train_targets.copy()
        kind, l1, l2, epoch = self.loss_kind, self.l1, self.l2, self.epoch
        centre = (float(net.flat[index_a]), float(net.flat[index_b]))
        path = self.path(index_a, index_b)
        spans = []
        for axis, c in enumerate(centre):
            reach = LANDSCAPE_RADIUS
            if path.shape[0]:
                with np.errstate(all="ignore"):
                    far = float(np.nanmax(np.abs(path[:, axis] - c)))
                if math.isfinite(far):
                    reach = max(reach, 1.1 * far)
            spans.append((c - reach, c + reach))

        def job() -> Landscape:
            A, B, L = net.loss_landscape(X, T, kind, int(index_a), int(index_b), span=spans,
                                         n=n, l1=l1, l2=l2)
            return Landscape(int(index_a), int(index_b), A[:, 0].copy(), B[0].copy(), L,
                             centre, epoch)

        return job

    # -- saving ------------------------------------------------------------------------------
    def state(self) -> dict:
        s = self.settings
        return {
            "task": s.task,
            "dataset": s.dataset,
            "formula": s.formula,
            "points": s.points,
            "noise": s.noise,
            "seed": s.seed,
            "test_ratio": s.test_ratio,
            "layer_sizes": list(self.net.layer_sizes),
            "activations": list(s.activations),
            "optimizer": s.optimizer,
            "learning_rate": s.learning_rate,
            "batch_size": s.batch_size,
            "loss": s.loss,
            "regularization": s.regularization,
            "regularization_rate": s.regularization_rate,
            "epochs_per_frame": s.epochs_per_frame,
            "added_points": [[x, y, label] for x, y, label in self.added],
            "weights": self.net.flat.tolist(),
        }

    def restore(self, state: dict) -> None:
        """Apply a ``state()`` dict; raises ValueError (changing nothing) on bad input."""
        if not isinstance(state, dict):
            raise ValueError("a network state must be a dictionary")
        merged = _settings_dict(self.settings)
        try:
            for key in merged:
                if key in state and key != "hidden":
                    merged[key] = state[key]
            sizes = state.get("layer_sizes")
            if sizes is not None:
                if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or \
                        len(sizes) < 2:
                    raise ValueError(f"layer_sizes must be a list like [2, 4, 1], got {sizes!r}")
                merged["hidden"] = tuple(sizes[1:-1])
            values = check_settings(merged)
        except KeyError as err:
            raise ValueError(f"a network state needs {err}") from None
        expected = (TASK_INPUTS[values["task"]], *values["hidden"], 1)
        if sizes is not None and tuple(_whole(s, "a layer size", 1, None) for s in sizes) \
                != expected:
            raise ValueError(f"layer_sizes {list(sizes)!r} do not fit the task "
                             f"{values['task']!r} (expected {list(expected)!r})")
        added = []
        for point in state.get("added_points", []):
            try:
                x, y, label = point
            except (TypeError, ValueError):
                raise ValueError(f"an added point must be [x, y, label], got {point!r}") \
                    from None
            added.append((_number(x, "a point's x", -1e6, 1e6),
                          _number(y, "a point's y", -1e6, 1e6),
                          None if label is None else _number(label, "a point's class", 0, 1)))
        data, train, test = self._make_data(values)  # may raise (a typed formula)
        for x, y, label in added:
            train = datasets.with_point(train, x, y, label)
        net = Network(expected, list(values["activations"]), seed=values["seed"])
        weights = state.get("weights")
        if weights is not None:
            try:
                flat = np.asarray(weights, dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError("the weights must be a list of numbers") from None
            if flat.shape != (net.parameter_count,):
                raise ValueError(f"this network has {net.parameter_count} weights and biases; "
                                 f"the state gives {flat.size}")
            if not np.isfinite(flat).all():
                raise ValueError("the weights must be finite numbers")
            net.set_flat(flat)
        # Everything checked: commit.
        with self.settings.events.blocked():
            for key, value in values.items():
                setattr(self.settings, key, value)
        self.added = added
        self.data, self.train, self.test = data, train, test
        self._retarget()
        self.net = net
        self.restart_history()
        self.changed.emit("restored")


