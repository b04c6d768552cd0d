"""Example sets for the network tab: 1-D targets, 2-D classification and 2-D regression.

Every set is a :class:`Dataset` of inputs ``X`` (n × d, float64) and targets ``T``
(n × 1, float64), made reproducibly from a seed with ``np.random.default_rng(seed)``.
Its arrays are read-only: changing a set (``with_point``, ``split``) makes a new one.

Targets
    "classification" sets have two classes; ``T`` holds the class of each point as 0.0 or
    1.0 (one column, for a one-output network trained with the binary cross-entropy).
    "regression" sets hold the target value itself (one column, for "mse").

The sets (``NAMES``), with their input ranges (chosen so that a small tanh network with
Glorot weights learns them in a few hundred Adam steps):

    "circle"     class 1: a disc of radius 0.5 around the origin; class 0: the ring from
                 radius 0.7 to 1. Inputs in [−1, 1]².
    "xor"        class 1 in the quadrants where x and y have the same sign, class 0 where
                 they differ; |x| and |y| from 0.05 to 1 (a small gap along the axes).
    "gaussians"  two round blobs (standard deviation 0.2): class 0 around (−0.5, −0.5),
                 class 1 around (0.5, 0.5).
    "spiral"     two interleaved spirals of 1.5 turns each, radius 0.05 to 1; class 1 is
                 class 0 turned half a turn. (The hard one.)
    "plane"      regression: t = 0.8·x − 0.5·y + 0.2 (``PLANE``), inputs uniform in [−1, 1]².
    "bumps"      regression: a sum of three Gaussian bumps (``BUMPS``), inputs in [−1, 1]².
    "curve:<c>"  1-D regression on the catalog curve ``functions.CURVES[c]``: n inputs
                 evenly spaced over the curve's own bounds (e.g. [−3, 3] for the parabola),
                 t = d(x).

``make_from_text`` does the same for a formula in x the student types (default bounds
[−3, 3]); points where the formula is undefined are left out.

Noise (a standard deviation, ≥ 0, in the set's own units)
    classification sets: Gaussian jitter added to the *inputs* after the class is decided,
    so with enough noise points stray into the other class's region;
    regression sets: Gaussian noise added to the *targets*; the inputs stay exact.
With noise 0 every target is exactly its formula (and the circle, xor and spiral points lie
exactly in their regions). Classification sets have n // 2 points of class 1 and the rest
of class 0, in shuffled order.
"""

# X, T, W, A, B, L: the usual mathematical names (inputs, targets, weights, grids).
# ruff: noqa: N803, N806

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from desktop_app.model import expression
from desktop_app.model.functions import CURVES

__all__ = [
    "BUMPS",
    "CLASSIFICATION",
    "Dataset",
    "NAMES",
    "PLANE",
    "REGRESSION",
    "TITLES",
    "make",
    "make_from_text",
    "one_hot",
    "split",
    "with_point",
]

CLASSIFICATION = "classification"
REGRESSION = "regression"

# The tilted plane t = a·x + b·y + c.
PLANE = (0.8, -0.5, 0.2)
# The bumps: (x0, y0, height, width); t = Σ height · exp(−((x − x0)² + (y − y0)²) / (2 width²)).
BUMPS = (
    (0.4, 0.35, 1.0, 0.25),
    (-0.45, -0.4, -0.8, 0.3),
    (-0.3, 0.55, 0.6, 0.2),
)

_TWO_D = ("circle", "xor", "gaussians", "spiral", "plane", "bumps")
NAMES: tuple[str, ...] = _TWO_D + tuple(f"curve:{name}" for name in CURVES)

TITLES: dict[str, str] = {
    "circle": "Circle",
    "xor": "Exclusive or",
    "gaussians": "Two blobs",
    "spiral": "Spiral",
    "plane": "Tilted plane",
    "bumps": "Bumps",
    **{f"curve:{name}": curve.title for name, curve in CURVES.items()},
}

MAX_POINTS = 100_000
_UNIT = ((-1.0, 1.0), (-1.0, 1.0))


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs, targets and what they mean. ``X``: n × d; ``T``: n × 1 (see the module doc).

    ``bounds`` is the input region the set was drawn from, one (lo, hi) per input (noise
    can put points slightly outside it); ``formula`` is the target's formula for
    regression sets, else None.
    """

    X: np.ndarray
    T: np.ndarray
    kind: str
    name: str
    input_names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...] = field(default=())
    formula: str | None = None

    def __post_init__(self) -> None:
        X = np.array(self.X, dtype=np.float64)
        T = np.array(self.T, dtype=np.float64)
        if T.ndim == 1:
            T = T.reshape(-1, 1)
        if X.ndim != 2 or T.ndim != 2 or X.shape[0] != T.shape[0]:
            raise ValueError(f"X must be n × d and T n × k with the same n, got {X.shape} "
                             f"and {T.shape}")
        if self.kind not in (CLASSIFICATION, REGRESSION):
            raise ValueError(f"kind must be 'classification' or 'regression', got {self.kind!r}")
        if len(self.input_names) != X.shape[1]:
            raise ValueError(f"{X.shape[1]} inputs need {X.shape[1]} names, got "
                             f"{self.input_names!r}")
        X.setflags(write=False)
        T.setflags(write=False)
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "T", T)
        object.__setattr__(self, "input_names", tuple(self.input_names))
        object.__setattr__(self, "bounds", tuple(tuple(map(float, b)) for b in self.bounds))

    def __len__(self) -> int:
        return self.X.shape[0]

    @property
    def n_inputs(self) -> int:
        return self.X.shape[1]

    @property
    def loss_kind(self) -> str:
        """The loss a network should train on: "cross_entropy" or "mse"."""
        return "cross_entropy" if self.kind == CLASSIFICATION else "mse"

    @property
    def labels(self) -> np.ndarray:
        """Classes as integers (classification sets only)."""
        if self.kind != CLASSIFICATION:
            raise ValueError(f"{self.name!r} is a regression set: it has no classes")
        return np.rint(self.T[:, 0]).astype(np.int64)

    def __repr__(self) -> str:
        return (f"Dataset(name={self.name!r}, kind={self.kind!r}, n={len(self)}, "
                f"inputs={self.input_names!r})")


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------


def _check_n(n) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 2 <= n <= MAX_POINTS:
        raise ValueError(f"the number of points must be a whole number from 2 to {MAX_POINTS}, "
                         f"got {n!r}")
    return int(n)


def _check_noise(noise) -> float:
    try:
        value = float(noise)
    except (TypeError, ValueError):
        raise ValueError(f"the noise must be a number, got {noise!r}") from None
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"the noise must be a number of at least 0, got {noise!r}")
    return value


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"the seed must be a whole number of at least 0, got {seed!r}")
    return int(seed)


# --------------------------------------------------------------------------------------
# The generators: (rng, n, noise) -> Dataset
# --------------------------------------------------------------------------------------


def _classes(n: int) -> tuple[int, int]:
    """(points of class 0, points of class 1)."""
    return n - n // 2, n // 2


def _classification(name, rng, X, labels, noise) -> Dataset:
    if noise:
        X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(X.shape[0])
    return Dataset(X[order], labels[order].astype(np.float64).reshape(-1, 1), CLASSIFICATION,
                   name, ("x", "y"), _UNIT)


def _labels(n0: int, n1: int) -> np.ndarray:
    return np.concatenate([np.zeros(n0), np.ones(n1)])


def _polar(r, angle) -> np.ndarray:
    return np.column_stack([r * np.cos(angle), r * np.sin(angle)])


def _circle(rng, n, noise) -> Dataset:
    n0, n1 = _classes(n)
    inner = 0.5 * np.sqrt(rng.uniform(0.0, 1.0, n1))  # uniform over the disc's area
    ring = np.sqrt(0.49 + 0.51 * rng.uniform(0.0, 1.0, n0))  # uniform over the ring's area
    angles = rng.uniform(0.0, 2.0 * math.pi, n)
    X = np.concatenate([_polar(ring, angles[:n0]), _polar(inner, angles[n0:])])
    return _classification("circle", rng, X, _labels(n0, n1), noise)


def _xor(rng, n, noise) -> Dataset:
    n0, n1 = _classes(n)
    magnitude = rng.uniform(0.05, 1.0, (n, 2))
    sign = rng.choice([-1.0, 1.0], n)
    # Class 1: both coordinates share the sign; class 0: they differ.
    second = np.concatenate([-sign[:n0], sign[n0:]])
    X = np.column_stack([sign * magnitude[:, 0], second * magnitude[:, 1]])
    return _classification("xor", rng, X, _labels(n0, n1), noise)


def _gaussians(rng, n, noise) -> Dataset:
    n0, n1 = _classes(n)
    centres = np.concatenate([np.full((n0, 2), -0.5), np.full((n1, 2), 0.5)])
    X = centres + 0.2 * rng.standard_normal((n, 2))
    return _classification("gaussians", rng, X, _labels(n0, n1), noise)


def _spiral(rng, n, noise) -> Dataset:
    n0, n1 = _classes(n)
    t = rng.uniform(0.0, 1.0, n)
    r = 0.05 + 0.95 * t
    angle = 3.0 * math.pi * t + np.concatenate([np.zeros(n0), np.full(n1, math.pi)])
    return _classification("spiral", rng, _polar(r, angle), _labels(n0, n1), noise)


def _plane_values(x, y):
    a, b, c = PLANE
    return a * x + b * y + c


def _bump_values(x, y):
    total = np.zeros(np.broadcast(x, y).shape)
    for x0, y0, height, width in BUMPS:
        total += height * np.exp(-((x - x0) ** 2 + (y - y0) ** 2) / (2.0 * width * width))
    return total


def _regression_2d(name, values, formula):
    def make_set(rng, n, noise) -> Dataset:
        X = rng.uniform(-1.0, 1.0, (n, 2))
        T = values(X[:, 0], X[:, 1])
        if noise:
            T = T + noise * rng.standard_normal(n)
        return Dataset(X, T.reshape(-1, 1), REGRESSION, name, ("x", "y"), _UNIT, formula)

    return make_set


def _shifted(var: str, centre: float) -> str:
    return f"{var} − {centre:g}" if centre >= 0 else f"{var} + {-centre:g}"


def _bumps_text() -> str:
    text = ""
    for x0, y0, height, width in BUMPS:
        term = f"exp(−(({_shifted('x', x0)})² + ({_shifted('y', y0)})²)/{2 * width * width:g})"
        size = abs(height)
        term = term if size == 1 else f"{size:g}·{term}"
        if not text:
            text = term if height > 0 else f"−{term}"
        else:
            text += f" + {term}" if height > 0 else f" − {term}"
    return text


_GENERATORS = {
    "circle": _circle,
    "xor": _xor,
    "gaussians": _gaussians,
    "spiral": _spiral,
    "plane": _regression_2d("plane", _plane_values, "0.8x − 0.5y + 0.2"),
    "bumps": _regression_2d("bumps", _bump_values, _bumps_text()),
}


def _curve_set(name, f, bounds, text, rng, n, noise, drop_undefined=False) -> Dataset:
    x = np.linspace(bounds[0], bounds[1], n)
    with np.errstate(all="ignore"):
        t = np.asarray(f(x), dtype=np.float64).reshape(-1)
    if drop_undefined:
        keep = np.isfinite(t)
        x, t = x[keep], t[keep]
    if noise:
        t = t + noise * rng.standard_normal(t.shape)
    return Dataset(x.reshape(-1, 1), t.reshape(-1, 1), REGRESSION, name, ("x",), (bounds,), text)


# --------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------


def make(name: str, n: int = 200, noise: float = 0.0, seed: int = 0) -> Dataset:
    """The set called ``name`` (one of ``NAMES``) with ``n`` points; see the module doc."""
    n, noise, seed = _check_n(n), _check_noise(noise), _check_seed(seed)
    rng = np.random.default_rng(seed)
    key = str(name).strip()
    if key.startswith("curve:"):
        curve_name = key[len("curve:"):].strip()
        curve = CURVES.get(curve_name)
        if curve is None:
            raise ValueError(f"unknown curve {curve_name!r}; choose one of {', '.join(CURVES)}")
        return _curve_set(f"curve:{curve.name}", curve.f, curve.bounds, curve.text, rng, n,
                          noise)
    generator = _GENERATORS.get(key)
    if generator is None:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(NAMES)}")
    return generator(rng, n, noise)


#: The largest target a typed 1-D function may reach (in absolute value).
TARGET_LIMIT = 1e6


def make_from_text(text: str, n: int = 200, noise: float = 0.0, seed: int = 0,
                   bounds=(-3.0, 3.0)) -> Dataset:
    """A 1-D regression set on a formula in x typed by the student.

    ``n`` inputs evenly spaced over ``bounds``; points where the formula is undefined
    (nan or infinite) are left out. Typing mistakes raise ``expression.ExpressionError``
    (from the parser), as does a formula defined at fewer than two of the points.
    """
    n, noise, seed = _check_n(n), _check_noise(noise), _check_seed(seed)
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise ValueError(f"bounds must be two numbers (lo, hi), got {bounds!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"bounds must be two finite numbers with lo < hi, got {bounds!r}")
    expr = expression.parse(text, variables=("x",))
    data = _curve_set("custom", expr, (lo, hi), expr.text, np.random.default_rng(seed), n,
                      noise, drop_undefined=True)
    if len(data) < 2:
        raise expression.ExpressionError(
            f"this function is defined at fewer than two points between {lo:g} and {hi:g}"
        )
    top = float(np.max(np.abs(data.T)))
    if top > TARGET_LIMIT:
        # Squared errors of such targets overflow before any learning rate could help.
        raise expression.ExpressionError(
            f"this function reaches {top:.3g} between {lo:g} and {hi:g}, too large for "
            f"a network to fit; keep its values within ±{TARGET_LIMIT:,.0f} (divide it by "
            "a large number, or pick a narrower formula)"
        )
    return data


def split(dataset: Dataset, test_ratio: float = 0.2, seed: int = 0) -> tuple[Dataset, Dataset]:
    """(train, test): a random ``round(n · test_ratio)`` points for testing (at most n − 1).

    Both keep the original order of their points. ``test_ratio`` is in [0, 1); with 0 the
    test set is empty.
    """
    try:
        ratio = float(test_ratio)
    except (TypeError, ValueError):
        raise ValueError(f"test_ratio must be a number, got {test_ratio!r}") from None
    if not 0.0 <= ratio < 1.0:
        raise ValueError(f"test_ratio must be at least 0 and below 1, got {test_ratio!r}")
    seed = _check_seed(seed)
    n = len(dataset)
    n_test = min(int(round(n * ratio)), n - 1)
    order = np.random.default_rng(seed).permutation(n)
    test = np.sort(order[:n_test])
    train = np.sort(order[n_test:])
    return (replace(dataset, X=dataset.X[train], T=dataset.T[train]),
            replace(dataset, X=dataset.X[test], T=dataset.T[test]))


def with_point(dataset: Dataset, x: float, y: float, label=None) -> Dataset:
    """A new set with one more point (where a student clicked).

    For a 2-input set the point is at (x, y) and ``label`` is its target: the class 0 or 1
    of a classification set, the value of a regression set. For a 1-input set (x, y) is the
    point in the plot, input x and target y, and ``label`` must be None.
    """
    values = []
    for what, v in (("x", x), ("y", y)) + ((("label", label),) if label is not None else ()):
        try:
            number = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"{what} must be a number, got {v!r}") from None
        if not math.isfinite(number):
            raise ValueError(f"{what} must be a finite number, got {v!r}")
        values.append(number)
    if dataset.n_inputs == 1:
        if label is not None:
            raise ValueError("a 1-D set takes a point (x, y) with y the target; no label")
        row, target = [values[0]], values[1]
    elif dataset.n_inputs == 2:
        if label is None:
            raise ValueError("a 2-D set needs a label for the new point")
        row, target = values[:2], values[2]
        if dataset.kind == CLASSIFICATION and target not in (0.0, 1.0):
            raise ValueError(f"the class must be 0 or 1, got {label!r}")
    else:
        raise ValueError("points can be added only to sets with one or two inputs")
    X = np.vstack([dataset.X, np.array([row])])
    T = np.vstack([dataset.T, np.array([[target]])])
    return replace(dataset, X=X, T=T)


def one_hot(labels, classes: int) -> np.ndarray:
    """Rows of 0/1 with a single 1 at each label (for multi-output cross-entropy)."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError("labels must be a 1-D array of whole numbers")
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f"labels must be from 0 to {classes - 1}")
    out = np.zeros((labels.size, int(classes)))
    out[np.arange(labels.size), labels] = 1.0
    return out


# --------------------------------------------------------------------------------------
# Handwritten digits (the data and its preprocessing live in desktop_app.model.digits)
# --------------------------------------------------------------------------------------


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """(X, y): the UCI handwritten digits; X n × 64 (8 × 8 pictures row by row, values
    0 … 16), y the labels 0 … 9. See :func:`desktop_app.model.digits.load_digits`."""
    from desktop_app.model import digits

    return digits.load_digits()


def digit_from_drawing(image) -> np.ndarray:
    """A drawn grey picture (2-D, 0 … 1, ink high) as the same 64 values; all zeros for an
    empty drawing. See :func:`desktop_app.model.digits.digit_from_drawing`."""
    from desktop_app.model import digits

    return digits.digit_from_drawing(image)
