"""A walker on a surface: its path, convergence, divergence, and the race of optimizers."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.model import optimizers
from desktop_app.model.descent import CONVERGED, DIVERGED, MAX_STEPS, Descent, Race
from desktop_app.model.functions import SURFACES
from desktop_app.model.optimizers import SGD

BOWL = SURFACES["bowl"]
RAVINE = SURFACES["ravine"]


class Quadratic:
    """f = a·(x − cx)² + b·(y − cy)², written in plain Python (duck-typed surface)."""

    def __init__(self, a=1.0, b=10.0, cx=0.0, cy=0.0, bounds=((-3.0, 3.0), (-3.0, 3.0))):
        self.a, self.b, self.cx, self.cy = a, b, cx, cy
        self.bounds = bounds

    def f(self, x, y):
        return self.a * (x - self.cx) ** 2 + self.b * (y - self.cy) ** 2  # ** overflows loudly

    def grad(self, x, y):
        return 2 * self.a * (x - self.cx), 2 * self.b * (y - self.cy)


class Scripted:
    """An optimizer that goes to the points it is given, one per step (ignores the gradient)."""

    name = "Scripted"

    def __init__(self, points):
        self.points = [np.array(p, dtype=float) for p in points]
        self.reset()

    def reset(self):
        self.i = 0

    def step(self, params, grad):
        point = self.points[min(self.i, len(self.points) - 1)]
        self.i += 1
        return point.copy()


# ----------------------------------------------------------------------------------------
# One walker
# ----------------------------------------------------------------------------------------


def test_first_steps_of_gd_on_the_bowl_by_hand():
    # f = x² + y², ∇f = (2x, 2y); lr = 0.1 from (−2, 2):
    # step 1: (−2, 2) − 0.1·(−4, 4) = (−1.6, 1.6)
    # step 2: (−1.6, 1.6) − 0.1·(−3.2, 3.2) = (−1.28, 1.28)
    # f along the path: 4 + 4 = 8, 2.56 + 2.56 = 5.12, 1.6384 + 1.6384 = 3.2768
    d = Descent(BOWL, SGD(0.1), (-2, 2))
    assert d.point == (-2.0, 2.0) and d.gradient == (-4.0, 4.0) and d.value == 8.0
    assert d.step() == pytest.approx((-1.6, 1.6), rel=1e-12)
    assert d.gradient == pytest.approx((-3.2, 3.2), rel=1e-12)
    assert d.step() == pytest.approx((-1.28, 1.28), rel=1e-12)
    assert d.steps == 2
    np.testing.assert_allclose(d.path, [[-2, 2], [-1.6, 1.6], [-1.28, 1.28]], rtol=1e-12)
    assert d.values.tolist() == pytest.approx([8.0, 5.12, 3.2768], rel=1e-12)
    assert d.last_step_length == pytest.approx(0.32 * math.sqrt(2), rel=1e-12)
    assert d.explanation[0] == "x_new = x − lr · ∂f/∂x = −1.600 − 0.1 · (−3.200) = −1.280"
    assert not d.done and d.reason is None


def test_gd_on_the_bowl_converges_to_the_bottom_and_stops_by_itself():
    d = Descent(BOWL, SGD(0.1), (-2, 2))
    assert d.run() == CONVERGED
    assert d.converged and d.done and not d.diverged
    assert d.point == pytest.approx((0.0, 0.0), abs=1e-6)
    assert math.hypot(*d.gradient) < d.tol and d.last_step_length < d.tol
    assert d.path.shape == (d.steps + 1, 2)
    assert d.values.shape == (d.steps + 1,)
    assert 10 < d.steps < 200
    path_before = d.path.copy()
    assert d.step() is None  # done: nothing moves any more
    assert d.steps == len(path_before) - 1
    np.testing.assert_array_equal(d.path, path_before)


def test_path_and_values_follow_every_step_beyond_the_first_buffer():
    d = Descent(RAVINE, SGD(0.01), (-2, 2), max_steps=700)
    points = [d.point]
    while not d.done:
        points.append(d.step())
    assert d.reason == MAX_STEPS and d.steps == 700
    assert d.path.shape == (701, 2)
    np.testing.assert_array_equal(d.path, np.array(points))
    np.testing.assert_array_equal(d.values, RAVINE.f(d.path[:, 0], d.path[:, 1]))


def test_path_is_a_read_only_view():
    d = Descent(BOWL, SGD(0.1), (1, 1))
    d.step()
    with pytest.raises(ValueError):
        d.path[0, 0] = 5.0
    with pytest.raises(ValueError):
        d.values[0] = 5.0
    assert d.path[0].tolist() == [1.0, 1.0]


def test_huge_learning_rate_diverges_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = Descent(RAVINE, SGD(10.0), (-2, 2))
        assert d.run() == DIVERGED
    assert d.diverged and not d.converged
    assert d.steps < 10  # flew beyond 10 bounds-widths almost at once
    assert abs(d.point[1]) > 2 + 10 * 4


def test_huge_learning_rate_without_a_distance_limit_ends_at_infinity_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for surface in (RAVINE, Quadratic()):
            d = Descent(surface, SGD(10.0), (-2, 2), far=math.inf)
            assert d.run() == DIVERGED
            last = [*d.point, d.value, *d.gradient]
            assert not all(math.isfinite(v) for v in last)
            assert d.steps > 50  # it took overflow, not distance, to stop it
            assert d.step() is None


def test_a_far_away_point_counts_as_diverged_just_beyond_the_limit():
    # Bounds x in [−3, 3]: span 6, far = 2 → the limit is 3 + 2·6 = 15.
    surface = Quadratic(a=0.0, b=0.0)
    inside = Descent(surface, Scripted([(15.0, 0.0), (15.0, 0.0)]), (0, 0), far=2.0)
    inside.step()
    assert not inside.done
    outside = Descent(surface, Scripted([(15.001, 0.0)]), (0, 0), far=2.0)
    outside.step()
    assert outside.diverged


def test_converged_needs_both_a_flat_spot_and_a_short_step():
    surface = Quadratic(a=1.0, b=1.0)
    # Jump through the bottom (∇f = 0 there, but the step is long), then stay.
    d = Descent(surface, Scripted([(0.0, 0.0), (0.0, 0.0)]), (-1.0, 0.0))
    d.step()
    assert d.gradient == (0.0, 0.0) and d.last_step_length == 1.0
    assert not d.done
    d.step()
    assert d.converged and d.steps == 2
    # Standing still on a slope (tiny steps, big gradient) is not convergence either.
    stuck = Descent(surface, SGD(0.0), (1.0, 1.0), max_steps=3)
    assert stuck.run() == MAX_STEPS
    assert stuck.last_step_length == 0.0 and not stuck.converged


def test_max_steps_stops_the_walk():
    d = Descent(RAVINE, SGD(1e-4), (-2, 2), max_steps=5)
    assert d.run() == MAX_STEPS
    assert d.steps == 5 and d.path.shape == (6, 2) and d.done
    assert not d.converged and not d.diverged


def test_reset_starts_over_and_resets_the_optimizer():
    d = Descent(RAVINE, SGD(0.05, momentum=0.9), (-2, 2))
    first = [d.step() for _ in range(5)]
    d.reset()
    assert d.steps == 0 and d.path.shape == (1, 2) and d.reason is None and d.explanation == []
    assert [d.step() for _ in range(5)] == first  # momentum forgotten: the same walk again
    d.reset(start=(1.0, -1.0))
    assert d.point == (1.0, -1.0) and d.start == (1.0, -1.0)
    fresh = Descent(RAVINE, SGD(0.05, momentum=0.9), (1.0, -1.0))
    assert d.step() == fresh.step()
    d.run()
    d.reset()  # back to the latest start, walking again
    assert d.point == (1.0, -1.0) and not d.done


def test_bad_starts_and_settings_are_refused():
    class Hole(Quadratic):
        def f(self, x, y):
            return math.nan if (x, y) == (0.0, 0.0) else super().f(x, y)

    with pytest.raises(ValueError, match="not defined"):
        Descent(Hole(), SGD(0.1), (0, 0))
    d = Descent(Hole(), SGD(0.1), (1, 1))
    d.step()
    with pytest.raises(ValueError):
        d.reset(start=(0, 0))
    assert d.steps == 1 and d.start == (1.0, 1.0)  # the refused reset changed nothing
    for start in [(1, 2, 3), ("a", "b"), (math.inf, 0)]:
        with pytest.raises(ValueError):
            Descent(BOWL, SGD(0.1), start)
    for kwargs in [{"tol": 0}, {"max_steps": 0}, {"max_steps": 2.5}, {"far": -1}]:
        with pytest.raises(ValueError):
            Descent(BOWL, SGD(0.1), (1, 1), **kwargs)


@pytest.mark.parametrize("kind", optimizers.OPTIMIZER_NAMES)
def test_every_optimizer_converges_on_the_bowl_with_its_default_rate(kind):
    d = Descent(BOWL, optimizers.make(kind), (-2, 2))
    assert d.run() == CONVERGED
    assert d.steps < d.max_steps
    assert d.point == pytest.approx((0.0, 0.0), abs=1e-5)


@pytest.mark.parametrize("kind", optimizers.OPTIMIZER_NAMES)
def test_every_optimizer_finds_a_valley_of_himmelblau_with_its_default_rate(kind):
    surface = SURFACES["himmelblau"]
    d = Descent(surface, optimizers.make(kind), (-2, 2))
    assert d.run() == CONVERGED
    nearest = min(math.dist(d.point, m) for m in surface.minima)
    assert nearest < 1e-5


def test_momentum_beats_gd_on_the_ravine():
    gd = Descent(RAVINE, SGD(0.05), (-2, 2))
    momentum = Descent(RAVINE, SGD(0.05, momentum=0.9), (-2, 2))
    assert gd.run() == CONVERGED and momentum.run() == CONVERGED
    assert momentum.steps * 2 < gd.steps


# ----------------------------------------------------------------------------------------
# The race
# ----------------------------------------------------------------------------------------


def test_race_steps_every_walker_until_all_are_done():
    walkers = {"GD": SGD(0.1), "Momentum": SGD(0.05, momentum=0.9), "Slow": SGD(1e-3)}
    race = Race(BOWL, walkers, (-2, 2), max_steps=300)
    assert list(race.descents) == ["GD", "Momentum", "Slow"]
    moved = race.step()
    assert set(moved) == {"GD", "Momentum", "Slow"} and race.rounds == 1
    assert moved["GD"] == pytest.approx((-1.6, 1.6), rel=1e-12)
    race.run()
    assert race.done
    reasons = {name: d.reason for name, d in race.descents.items()}
    assert reasons == {"GD": CONVERGED, "Momentum": CONVERGED, "Slow": MAX_STEPS}
    assert race.rounds == 300  # the last walker set the pace
    assert race.descents["GD"].steps < race.descents["Momentum"].steps < 300
    assert race.finish_order == ["GD", "Momentum", "Slow"]
    assert race.step() == {} and race.rounds == 300  # nobody moves any more


def test_race_does_not_step_finished_walkers():
    race = Race(BOWL, {"fast": SGD(0.5), "slow": SGD(0.01)}, (1, 1))
    race.step()  # lr 0.5 on the bowl jumps straight to the bottom ...
    race.step()  # ... and the step after that is zero: converged
    assert race.descents["fast"].converged and race.descents["fast"].steps == 2
    race.step()
    assert race.descents["fast"].steps == 2 and race.descents["slow"].steps == 3
    assert not race.done


def test_race_reset_and_refusals():
    race = Race(BOWL, {n: optimizers.make(n) for n in optimizers.OPTIMIZER_NAMES}, (-2, 2))
    race.run()
    assert race.done and all(d.converged for d in race.descents.values())
    race.reset(start=(1.0, 2.0))
    assert not race.done and race.rounds == 0 and race.finish_order == []
    assert all(d.path.tolist() == [[1.0, 2.0]] for d in race.descents.values())
    with pytest.raises(ValueError):
        Race(BOWL, {}, (0, 0))
    shared = SGD(0.1)
    with pytest.raises(ValueError, match="own optimizer"):
        Race(BOWL, {"a": shared, "b": shared}, (0, 0))


# ----------------------------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    a=st.floats(0.2, 4.0),
    b=st.floats(0.2, 4.0),
    centre=st.tuples(st.floats(-2.0, 2.0), st.floats(-2.0, 2.0)),
    start=st.tuples(st.floats(-3.0, 3.0), st.floats(-3.0, 3.0)),
    fraction=st.floats(0.3, 0.9),
)
def test_gd_walks_to_the_minimum_of_any_diagonal_quadratic(a, b, centre, start, fraction):
    # f = a(x − cx)² + b(y − cy)² has curvature 2a, 2b; lr below 1/(2 max) avoids zig-zags.
    surface = Quadratic(a, b, *centre)
    d = Descent(surface, SGD(fraction / (2 * max(a, b))), start)
    assert d.run() == CONVERGED
    assert d.point == pytest.approx(centre, abs=1e-5)
    assert d.path.shape == (d.steps + 1, 2)
