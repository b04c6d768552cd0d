"""Example sets: shapes, reproducibility, balance, exact targets, splits and added points."""

from __future__ import annotations

import math

import numpy as np
import pytest

from desktop_app.model import datasets, expression
from desktop_app.model.datasets import NAMES, Dataset, make
from desktop_app.model.functions import CURVES

CLASSIFICATION_SETS = ("circle", "xor", "gaussians", "spiral")
REGRESSION_2D = ("plane", "bumps")


def test_names_cover_every_set_and_curve():
    assert NAMES[:6] == CLASSIFICATION_SETS + REGRESSION_2D
    assert {f"curve:{name}" for name in CURVES} <= set(NAMES)
    assert set(datasets.TITLES) == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n", [2, 7, 120])
def test_shapes_and_kinds(name, n):
    data = make(name, n, 0.1, seed=3)
    d = 1 if name.startswith("curve:") else 2
    assert data.X.shape == (n, d) and data.T.shape == (n, 1)
    assert data.X.dtype == data.T.dtype == np.float64
    assert len(data) == n and data.n_inputs == d
    assert data.input_names == (("x",) if d == 1 else ("x", "y"))
    assert np.isfinite(data.X).all() and np.isfinite(data.T).all()
    expected_kind = "classification" if name in CLASSIFICATION_SETS else "regression"
    assert data.kind == expected_kind
    assert data.loss_kind == ("cross_entropy" if expected_kind == "classification" else "mse")
    assert data.name == name
    assert len(data.bounds) == d
    with pytest.raises(ValueError):
        data.X[0, 0] = 1.0  # read-only


@pytest.mark.parametrize("name", NAMES)
def test_the_seed_decides_everything(name):
    a, b = make(name, 50, 0.2, seed=7), make(name, 50, 0.2, seed=7)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.T, b.T)
    c = make(name, 50, 0.2, seed=8)
    assert not (np.array_equal(a.X, c.X) and np.array_equal(a.T, c.T))


@pytest.mark.parametrize("name", CLASSIFICATION_SETS)
@pytest.mark.parametrize("n", [2, 9, 200])
def test_classes_are_balanced(name, n):
    data = make(name, n, 0.3, seed=1)
    assert set(np.unique(data.T).tolist()) <= {0.0, 1.0}
    assert int(data.T.sum()) == n // 2
    assert data.labels.tolist() == data.T[:, 0].astype(int).tolist()
    # shuffled: the first half is not all one class
    if n >= 200:
        assert 0 < data.T[: n // 2].sum() < n // 2


def test_circle_points_lie_in_their_regions():
    data = make("circle", 400, 0.0, seed=0)
    r = np.hypot(data.X[:, 0], data.X[:, 1])
    inner = data.T[:, 0] == 1.0
    assert r[inner].max() <= 0.5
    assert r[~inner].min() >= 0.7 and r[~inner].max() <= 1.0
    # noise jitters the points (same classes, same order of draws before the jitter)
    noisy = make("circle", 400, 0.3, seed=0)
    assert np.abs(np.hypot(noisy.X[:, 0], noisy.X[:, 1])).max() > 1.0


def test_xor_classes_are_quadrants():
    data = make("xor", 400, 0.0, seed=0)
    same_sign = data.X[:, 0] * data.X[:, 1] > 0
    np.testing.assert_array_equal(same_sign, data.T[:, 0] == 1.0)
    assert np.abs(data.X).min() >= 0.05 and np.abs(data.X).max() <= 1.0
    # all four quadrants are used
    quadrants = {(bool(x > 0), bool(y > 0)) for x, y in data.X}
    assert len(quadrants) == 4


def test_gaussians_and_spiral_shapes():
    blobs = make("gaussians", 2000, 0.0, seed=0)
    ones = blobs.T[:, 0] == 1.0
    np.testing.assert_allclose(blobs.X[ones].mean(axis=0), [0.5, 0.5], atol=0.03)
    np.testing.assert_allclose(blobs.X[~ones].mean(axis=0), [-0.5, -0.5], atol=0.03)
    np.testing.assert_allclose(blobs.X[ones].std(axis=0), [0.2, 0.2], atol=0.02)
    spiral = make("spiral", 400, 0.0, seed=0)
    r = np.hypot(spiral.X[:, 0], spiral.X[:, 1])
    assert r.min() >= 0.05 and r.max() <= 1.0 + 1e-12
    # class 1 is class 0 turned half a turn: the centre of each class is near the origin,
    # and a point mirrored through the origin lies on the other spiral
    angle = np.arctan2(spiral.X[:, 1], spiral.X[:, 0])
    t = (r - 0.05) / 0.95
    turn = np.where(spiral.T[:, 0] == 1.0, math.pi, 0.0)
    np.testing.assert_allclose(np.cos(angle - 3 * math.pi * t - turn), 1.0, atol=1e-9)


def test_plane_targets_are_exactly_the_plane():
    data = make("plane", 300, 0.0, seed=4)
    a, b, c = datasets.PLANE
    np.testing.assert_array_equal(data.T[:, 0], a * data.X[:, 0] + b * data.X[:, 1] + c)
    assert np.abs(data.X).max() <= 1.0
    noisy = make("plane", 300, 0.1, seed=4)
    np.testing.assert_array_equal(noisy.X, data.X)  # regression noise leaves the inputs
    residual = noisy.T - data.T
    assert 0.08 < residual.std() < 0.12


@pytest.mark.parametrize("name", REGRESSION_2D)
def test_the_formula_text_is_the_target(name):
    data = make(name, 200, 0.0, seed=2)
    formula = expression.parse(data.formula, variables=("x", "y"))
    np.testing.assert_allclose(formula(data.X[:, 0], data.X[:, 1]), data.T[:, 0],
                               rtol=1e-12, atol=1e-12)


def test_bumps_has_its_peaks():
    # at each bump's centre the value is about its height (the others add a little)
    for x0, y0, height, _ in datasets.BUMPS:
        value = datasets._bump_values(np.array([x0]), np.array([y0]))[0]
        assert value == pytest.approx(height, abs=0.06)
    data = make("bumps", 2000, 0.0, seed=0)
    assert data.T.max() > 0.9 and data.T.min() < -0.7


@pytest.mark.parametrize("name", list(CURVES))
def test_curve_sets_sample_the_catalog(name):
    curve = CURVES[name]
    data = make(f"curve:{name}", 101, 0.0, seed=0)
    np.testing.assert_array_equal(data.X[:, 0], np.linspace(*curve.bounds, 101))
    np.testing.assert_array_equal(data.T[:, 0], curve.f(data.X[:, 0]))
    assert data.bounds == (curve.bounds,)
    assert data.formula == curve.text
    noisy = make(f"curve:{name}", 101, 0.5, seed=0)
    assert 0.35 < (noisy.T - data.T).std() < 0.65


def test_make_from_text():
    data = datasets.make_from_text("x^2 + 1", 61, 0.0, seed=0)
    np.testing.assert_array_equal(data.X[:, 0], np.linspace(-3, 3, 61))
    np.testing.assert_allclose(data.T[:, 0], data.X[:, 0] ** 2 + 1, rtol=1e-15)
    assert data.kind == "regression" and data.input_names == ("x",)
    assert data.formula == expression.parse("x^2 + 1").text
    wide = datasets.make_from_text("sin(x)", 11, 0.0, seed=0, bounds=(0, 10))
    assert wide.X[-1, 0] == 10.0 and wide.bounds == ((0.0, 10.0),)
    # undefined points are left out
    root = datasets.make_from_text("sqrt(x)", 61, 0.0, seed=0)
    assert len(root) == 31 and root.X.min() == 0.0


@pytest.mark.parametrize("text", ["x +* 2", "2 ** q", "sqrt(-1 - x^2)", ""])
def test_make_from_text_passes_expression_errors(text):
    with pytest.raises(expression.ExpressionError):
        datasets.make_from_text(text, 50, 0.0, seed=0)


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown data set"):
        make("moons", 10, 0.0, 0)
    with pytest.raises(ValueError, match="unknown curve"):
        make("curve:banana", 10, 0.0, 0)
    with pytest.raises(ValueError, match="number of points"):
        make("xor", 1, 0.0, 0)
    with pytest.raises(ValueError, match="noise"):
        make("xor", 10, -0.1, 0)
    with pytest.raises(ValueError, match="noise"):
        make("xor", 10, float("nan"), 0)
    with pytest.raises(ValueError, match="seed"):
        make("xor", 10, 0.0, -1)
    with pytest.raises(ValueError, match="bounds"):
        datasets.make_from_text("x", 10, 0.0, 0, bounds=(1, 1))


# ----------------------------------------------------------------------------------------
# split, with_point
# ----------------------------------------------------------------------------------------


def _rows(data: Dataset) -> set:
    return {tuple(x) + tuple(t) for x, t in zip(data.X.tolist(), data.T.tolist(), strict=True)}


@pytest.mark.parametrize(
    ("ratio", "n_test"), [(0.25, 25), (0.0, 0), (0.333, 33), (0.337, 34), (0.999, 99)]
)
def test_split_sizes_and_contents(ratio, n_test):
    data = make("circle", 100, 0.1, seed=0)
    train, test = datasets.split(data, ratio, seed=5)
    assert len(test) == n_test and len(train) == 100 - n_test
    assert _rows(train) | _rows(test) == _rows(data)
    assert not (_rows(train) & _rows(test))
    assert train.kind == test.kind == data.kind and train.name == data.name
    again = datasets.split(data, ratio, seed=5)
    np.testing.assert_array_equal(again[1].X, test.X)


def test_split_keeps_the_order_and_depends_on_the_seed():
    data = make("curve:parabola", 40, 0.0, seed=0)
    train, test = datasets.split(data, 0.5, seed=1)
    assert np.all(np.diff(train.X[:, 0]) > 0) and np.all(np.diff(test.X[:, 0]) > 0)
    other = datasets.split(data, 0.5, seed=2)[1]
    assert not np.array_equal(other.X, test.X)
    with pytest.raises(ValueError, match="test_ratio"):
        datasets.split(data, 1.0, seed=0)
    with pytest.raises(ValueError, match="test_ratio"):
        datasets.split(data, -0.1, seed=0)


def test_with_point_classification():
    data = make("xor", 10, 0.0, seed=0)
    more = datasets.with_point(data, 0.25, -0.5, 1)
    assert len(more) == 11 and len(data) == 10  # a new set; the old one is unchanged
    assert more.X[-1].tolist() == [0.25, -0.5] and more.T[-1].tolist() == [1.0]
    np.testing.assert_array_equal(more.X[:10], data.X)
    assert more.kind == "classification" and more.name == "xor"
    with pytest.raises(ValueError, match="class must be 0 or 1"):
        datasets.with_point(data, 0.0, 0.0, 2)
    with pytest.raises(ValueError, match="needs a label"):
        datasets.with_point(data, 0.0, 0.0)
    with pytest.raises(ValueError, match="finite"):
        datasets.with_point(data, float("inf"), 0.0, 1)


def test_with_point_regression_and_1d():
    plane = make("plane", 5, 0.0, seed=0)
    more = datasets.with_point(plane, 0.1, 0.2, 3.5)
    assert more.T[-1, 0] == 3.5 and more.X[-1].tolist() == [0.1, 0.2]
    curve = make("curve:parabola", 5, 0.0, seed=0)
    more = datasets.with_point(curve, 1.5, -2.0)
    assert more.X[-1].tolist() == [1.5] and more.T[-1].tolist() == [-2.0]
    with pytest.raises(ValueError, match="no label"):
        datasets.with_point(curve, 1.5, -2.0, 1)


def test_one_hot():
    assert datasets.one_hot(np.array([2, 0]), 3).tolist() == [[0, 0, 1], [1, 0, 0]]
    with pytest.raises(ValueError):
        datasets.one_hot(np.array([3]), 3)


def test_a_typed_function_with_huge_values_is_refused_in_plain_words():
    with pytest.raises(expression.ExpressionError, match="too large for a network to fit"):
        datasets.make_from_text("x^1000")
    with pytest.raises(expression.ExpressionError, match="within ±1,000,000"):
        datasets.make_from_text("exp(x^2) * 1000")  # 8.1 million at x = ±3
    assert len(datasets.make_from_text("exp(x^2)")) == 200  # 8,103 at most: fine
