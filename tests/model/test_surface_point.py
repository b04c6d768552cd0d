"""One point at a time: Surface.at, a walker on a surface without it, and a race on a budget."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.model import optimizers
from desktop_app.model import surface_race as sr
from desktop_app.model.descent import Descent
from desktop_app.model.functions import SURFACES, Surface

TYPED = {
    "polynomial": "x^2 + 3*y^2 - x*y",
    "log": "log(x) + y^2",
    "sqrt and exp": "sqrt(x^2 + y^2) + exp(x/3)",
    "sin and product": "sin(x)*cos(y) + 0.1*x^4",
}
TYPED_SURFACES = {name: Surface.from_text(text) for name, text in TYPED.items()}
ALL_SURFACES = {**{f"catalog {k}": v for k, v in SURFACES.items()}, **TYPED_SURFACES}

# Any float a walker may reach: tiny, ordinary, and huge enough to overflow to inf/nan.
coordinate = st.one_of(
    st.floats(-10.0, 10.0, allow_nan=False),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1e200, -1e200, 1e154, -1e154, 1e-300, 1.7e308, -1.7e308]),
)


def reference(surface, x, y) -> np.ndarray:
    """f and the gradient the slow way, as the array [f, gx, gy]."""
    gx, gy = surface.grad(x, y)
    return np.array([float(surface.f(x, y)), float(gx), float(gy)])


def test_at_gives_three_python_floats_of_the_bowl_by_hand():
    z, gx, gy = SURFACES["bowl"].at(1.5, -2.0)
    assert all(type(v) is float for v in (z, gx, gy))
    assert (z, gx, gy) == (1.5**2 + 2.0**2, 3.0, -4.0)


@pytest.mark.parametrize("name", sorted(ALL_SURFACES))
@settings(max_examples=150, deadline=None)
@given(x=coordinate, y=coordinate)
def test_at_equals_f_and_grad_bit_for_bit(name, x, y):
    surface = ALL_SURFACES[name]
    found = np.array(surface.at(x, y))
    expected = reference(surface, x, y)
    assert np.array_equal(found, expected, equal_nan=True), (found, expected)
    # Same bits: +0.0 and -0.0 (which compare equal) are told apart too.
    assert np.array_equal(np.signbit(found), np.signbit(expected))


@pytest.mark.parametrize("name", sorted(ALL_SURFACES))
def test_at_overflows_to_the_same_inf_and_nan_as_f_and_grad(name):
    surface = ALL_SURFACES[name]
    for x, y in ((1e200, 1e200), (-1e200, 3.0), (1.7e308, -1.7e308), (2.0, -1e200)):
        found = np.array(surface.at(x, y))
        assert np.array_equal(found, reference(surface, x, y), equal_nan=True)
        if abs(x) >= 1e200:  # every formula here grows at least like x² along x
            assert not np.isfinite(found).all(), (x, y, found)


def test_at_is_nan_where_a_typed_formula_is_undefined():
    # log(-1) is undefined; its derivative 1/x is not, just as f and grad say.
    z, gx, gy = TYPED_SURFACES["log"].at(-1.0, 2.0)
    assert math.isnan(z) and math.isnan(TYPED_SURFACES["log"].f(-1.0, 2.0))
    assert (gx, gy) == (-1.0, 4.0)


# -- a walker on a surface without ``at`` ----------------------------------------------------


class WithoutAt:
    """Just f, grad and bounds, borrowed from a real surface (no ``at``)."""

    def __init__(self, surface: Surface) -> None:
        self.f, self.grad, self.bounds = surface.f, surface.grad, surface.bounds


@pytest.mark.parametrize(("surface_name", "optimizer"), [
    ("rosenbrock", "adam"), ("himmelblau", "momentum"), ("ravine", "gd"),
])
def test_a_surface_without_at_gives_the_same_walk(surface_name, optimizer):
    surface = SURFACES[surface_name]
    plain = WithoutAt(surface)
    assert not hasattr(plain, "at")
    start = (-1.5, 1.5)
    real = Descent(surface, optimizers.make(optimizer), start, max_steps=300)
    duck = Descent(plain, optimizers.make(optimizer), start, max_steps=300)
    assert real.run() == duck.run()
    assert real.steps == duck.steps > 1
    assert np.array_equal(real.path, duck.path)
    assert np.array_equal(real.values, duck.values)
    assert real.gradient == duck.gradient


def test_a_diverging_walk_without_at_stops_like_the_real_one():
    surface = SURFACES["bowl"]
    real = Descent(surface, optimizers.make("gd", lr=5.0), (1.0, 1.0), far=1e300)
    duck = Descent(WithoutAt(surface), optimizers.make("gd", lr=5.0), (1.0, 1.0), far=1e300)
    assert real.run() == duck.run() == "diverged"
    assert real.steps == duck.steps
    assert np.array_equal(real.path, duck.path, equal_nan=True)
    assert np.array_equal(real.values, duck.values, equal_nan=True)


# -- the race on a time budget ---------------------------------------------------------------


def long_race() -> sr.SurfaceRace:
    """Every optimizer on Rosenbrock with small steps: hundreds of rounds before any stops."""
    race = sr.SurfaceRace()
    race.set_surface(SURFACES["rosenbrock"].text)
    race.settings.enabled = tuple(sr.OPTIMIZER_NAMES)
    race.settings.hyper = {name: {**values, "lr": 1e-4}
                           for name, values in race.settings.hyper.items()}
    race.rebuild()
    return race


def paths(race: sr.SurfaceRace) -> dict[str, np.ndarray]:
    return {name: d.path.copy() for name, d in race.race.descents.items()}


def test_a_zero_budget_still_makes_exactly_one_round():
    race = long_race()
    assert race.step(50, seconds=0.0) == 1
    assert race.rounds == 1
    assert all(d.steps == 1 for d in race.race.descents.values())
    assert race.step(50, seconds=0.0) == 1
    assert race.rounds == 2


def test_no_budget_makes_every_round_asked_for():
    race = long_race()
    assert race.step(123, seconds=None) == 123
    assert race.rounds == 123
    assert all(d.steps == 123 for d in race.race.descents.values())


def test_a_budget_never_makes_more_rounds_than_asked():
    race = long_race()
    assert race.step(7, seconds=1e9) == 7
    assert race.rounds == 7


def test_rounds_in_budgeted_pieces_walk_the_same_path_as_in_one_call():
    whole, pieces = long_race(), long_race()
    assert whole.step(60) == 60
    made = 0
    while made < 60:
        got = pieces.step(min(7, 60 - made), seconds=0.0 if made % 2 else 1e9)
        assert got >= 1
        made += got
    assert made == 60 == pieces.rounds
    a, b = paths(whole), paths(pieces)
    assert list(a) == list(b) == list(sr.OPTIMIZER_NAMES)
    for name in a:
        assert a[name].shape == (61, 2)
        assert np.array_equal(a[name], b[name]), name


def test_a_finished_race_makes_no_rounds_even_with_a_budget():
    race = sr.SurfaceRace()
    race.step(100_000)
    assert race.done
    assert race.step(5, seconds=0.0) == 0
