"""Slopes, the q -> 0 limit and slope-sized descent, against numbers worked out by hand.

On d(x) = x² + 1 everything is small binary fractions, so most expectations are exact:
the secant at x with gap q is 2x + q, and x ← x − 0.25 · 2x halves x.
"""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.model import slope
from desktop_app.model.functions import CURVES
from desktop_app.model.slope import (
    Q_VALUES,
    ROUNDOFF_EXPLANATION,
    DescentRun,
    DescentStep,
    QRow,
    SecantArithmetic,
    SlopeDescent,
    best_q,
    descend,
    q_table,
    secant_line,
    secant_slope,
    slope_arithmetic,
    tangent_line,
)

# A stray RuntimeWarning (log of a negative, overflow) must fail the test, not scroll by.
pytestmark = pytest.mark.filterwarnings("error")

PARABOLA = CURVES["parabola"]
MINUS = "\u2212"


def d(x):
    return x * x + 1.0


def dd(x):
    return 2.0 * x


class FakeExpression:
    """Stands in for expression.Expression: vectorised, arrays only, knows its derivative."""

    def __init__(self, fn, derivative=None):
        self._fn, self._derivative = fn, derivative

    def __call__(self, x):
        assert isinstance(x, np.ndarray) and x.ndim == 1, "the parser only promises arrays"
        return self._fn(x)

    def derivative(self, var):
        assert var == "x"
        return FakeExpression(self._derivative)


# --------------------------------------------------------------------------------------
# The secant slope and its worked arithmetic
# --------------------------------------------------------------------------------------


def test_secant_of_the_parabola_at_one_with_half_gap_is_two_and_a_half():
    assert secant_slope(d, 1.0, 0.5) == 2.5
    assert secant_slope(PARABOLA, 1, 0.5) == 2.5       # a Curve works directly
    assert secant_slope(d, 1.0, -0.5) == 1.5           # second point on the left: 2x + q
    assert secant_slope(d, -2.0, 1.0) == -3.0          # the article's start: downhill to the right
    assert type(secant_slope(PARABOLA.f, 1.0, 0.5)) is float


def test_the_worked_arithmetic_prints_every_number():
    work = slope_arithmetic(d, 1.0, 0.5)
    assert work == SecantArithmetic(x=1.0, q=0.5, d_x=2.0, d_xq=3.25, slope=2.5)
    assert work.x_q == 1.5
    assert work.text() == "(d(1.50) − d(1.00)) / 0.50 = (3.25 − 2.00) / 0.50 = 2.50"
    assert work.text(digits=1) == "(d(1.5) − d(1.0)) / 0.5 = (3.2 − 2.0) / 0.5 = 2.5"


def test_the_arithmetic_writes_negatives_with_a_real_minus_in_brackets():
    work = slope_arithmetic(d, -1.0, -0.5)
    assert work.slope == -2.5
    assert work.text() == "(d(−1.50) − d(−1.00)) / (−0.50) = (3.25 − 2.00) / (−0.50) = −2.50"
    # d below zero: the subtracted value is bracketed, and no hyphen is ever used.
    text = slope_arithmetic(lambda x: x - 3.0, 1.0, 1.0).text()
    assert text == "(d(2.00) − d(1.00)) / 1.00 = (−1.00 − (−2.00)) / 1.00 = 1.00"
    assert "-" not in text


def test_the_arithmetic_says_undefined_instead_of_nan():
    work = slope_arithmetic(np.log, 0.5, -1.0)
    assert math.isnan(work.slope) and math.isnan(work.d_xq) and work.d_x == math.log(0.5)
    assert work.text() == "(d(−0.50) − d(0.50)) / (−1.00) = (undefined − (−0.69)) / (−1.00) = undefined"


def test_q_zero_is_refused_in_plain_words():
    for call in (
        lambda: secant_slope(d, 1.0, 0.0),
        lambda: secant_line(d, 1.0, 0.0),
        lambda: slope_arithmetic(d, 1.0, 0),
        lambda: q_table(d, dd, 1.0, qs=(0.1, 0.0)),
    ):
        with pytest.raises(ValueError, match="q cannot be 0"):
            call()
    with pytest.raises(ValueError, match="finite"):
        secant_slope(d, 1.0, math.inf)


def test_undefined_or_overflowing_values_give_nan_without_warnings():
    assert math.isnan(secant_slope(np.log, -1.0, 0.5))        # log of a negative
    assert math.isnan(secant_slope(np.log, 0.0, 0.5))         # log(0) = -inf
    assert math.isnan(secant_slope(np.log, 0.25, -0.5))       # second point undefined
    assert math.isnan(secant_slope(math.log, -1.0, 0.5))      # math.log raises instead
    assert math.isnan(secant_slope(np.exp, 1000.0, 1.0))      # inf - inf
    assert math.isnan(secant_slope(lambda x: x**2, 1e200, 1.0))   # Python's OverflowError
    assert math.isnan(secant_slope(d, math.nan, 0.5))
    assert secant_slope(np.log, 1.0, 1.0) == math.log(2.0)


def test_secant_of_a_parser_expression_evaluates_it_on_arrays():
    expr = FakeExpression(lambda x: x * x + 1.0, lambda x: 2.0 * x)
    assert secant_slope(expr, 1.0, 0.5) == 2.5
    assert tangent_line(expr, None, 3.0) == (6.0, -8.0)


# --------------------------------------------------------------------------------------
# Lines for the view
# --------------------------------------------------------------------------------------


def test_tangent_line_touches_the_parabola():
    assert tangent_line(d, dd, 1.0) == (2.0, 0.0)       # y = 2t touches x² + 1 at t = 1
    assert tangent_line(d, dd, 3.0) == (6.0, -8.0)
    assert tangent_line(PARABOLA, None, -1.0) == (-2.0, 0.0)   # the Curve's own df
    assert tangent_line(d, dd, 0.0) == (0.0, 1.0)       # flat at the bottom


def test_secant_line_passes_through_both_points():
    m, b = secant_line(d, 1.0, 0.5)
    assert (m, b) == (2.5, -0.5)
    assert m * 1.0 + b == d(1.0)
    assert m * 1.5 + b == d(1.5)


def test_lines_where_d_is_undefined_are_nan():
    assert all(math.isnan(v) for v in tangent_line(np.log, lambda x: 1.0 / x, -1.0))
    assert all(math.isnan(v) for v in secant_line(np.log, -1.0, 0.5))


def test_the_exact_slope_needs_a_derivative():
    with pytest.raises(ValueError, match="derivative"):
        tangent_line(d, None, 1.0)
    with pytest.raises(ValueError, match="derivative"):
        q_table(d, None, 1.0)


# --------------------------------------------------------------------------------------
# q -> 0: the derivative, then round-off
# --------------------------------------------------------------------------------------


def test_q_values_run_from_one_to_a_trillionth():
    assert len(Q_VALUES) == 13
    assert Q_VALUES[0] == 1.0 and Q_VALUES[1] == 0.1 and Q_VALUES[-1] == 1e-12
    assert all(a == pytest.approx(10.0 * b, rel=1e-15) for a, b in itertools.pairwise(Q_VALUES))


def test_q_table_error_falls_with_q_then_rounding_takes_over():
    rows = q_table(PARABOLA.f, PARABOLA.df, 1.0)
    assert [r.q for r in rows] == list(Q_VALUES)
    assert all(isinstance(r, QRow) and r.exact == 2.0 for r in rows)
    assert all(r.error == abs(r.secant - r.exact) for r in rows)

    # Large q: the secant of x² leans by exactly q, so the error is q itself.
    assert rows[0] == QRow(q=1.0, secant=3.0, exact=2.0, error=1.0)
    assert rows[1].error == pytest.approx(0.1, rel=1e-9)
    assert rows[2].error == pytest.approx(0.01, rel=1e-9)

    best = best_q(rows)
    assert 1e-9 <= best <= 1e-6
    i_best = [r.q for r in rows].index(best)
    errors = [r.error for r in rows]
    assert errors[: i_best + 1] == sorted(errors[: i_best + 1], reverse=True)   # falls...
    assert errors[-1] > 1000.0 * errors[i_best]                                # ...then grows
    assert errors[-1] == max(errors[i_best:])


def test_q_table_takes_the_derivative_from_a_curve_and_custom_qs():
    rows = q_table(PARABOLA, None, 3.0, qs=(0.5, -0.5))
    assert rows == [QRow(0.5, 6.5, 6.0, 0.5), QRow(-0.5, 5.5, 6.0, 0.5)]
    assert best_q(rows) == 0.5       # a tie goes to the first (larger) q


def test_best_q_is_none_when_nothing_is_usable():
    assert best_q([]) is None
    assert best_q(q_table(np.log, lambda x: 1.0 / x, -1.0)) is None


def test_roundoff_explanation_is_one_plain_sentence():
    text = ROUNDOFF_EXPLANATION
    assert text.endswith(".") and text.count(".") == 1 and text[0].isupper()
    for idea in ("digits", "tiny q", "d(x + q)", "d(x)"):
        assert idea in text


# --------------------------------------------------------------------------------------
# Walking downhill by the slope
# --------------------------------------------------------------------------------------


def test_learning_rate_quarter_halves_x_every_step_and_converges():
    run = descend(PARABOLA, 3.0, 0.25, 200)
    assert list(run) == [3.0 / 2**k for k in range(len(run))]     # exact halving
    assert run.converged and not run.diverged and run.reason == "converged"
    assert abs(run.x) < 1e-7 and len(run) < 40
    assert run.overshoots == ()
    steps = np.diff(run.points)
    assert list(steps) == [-1.5 / 2**k for k in range(len(steps))]
    # The article's point: the steps shrink as the slope shrinks near the bottom.
    assert all(abs(b) < abs(a) for a, b in itertools.pairwise(steps))
    assert list(run.slopes) == [2.0 * x for x in run.points]
    assert list(run.values) == [x * x + 1.0 for x in run.points]


def test_first_step_is_recorded_with_all_its_numbers():
    walker = SlopeDescent(d, 3.0, 0.25, df=dd)
    assert walker.arithmetic() == ""
    move = walker.step()
    assert move == DescentStep(
        number=1, x_from=3.0, x_to=1.5, d_from=10.0, d_to=3.25, slope=6.0, step=-1.5,
        overshoot=False, diverging=False, learning_rate=0.25, slope_to=3.0,
    )
    assert (walker.x, walker.d_x, walker.slope) == (1.5, 3.25, 3.0)
    assert walker.arithmetic() == "x = 3.00 − 0.25 · 6.00 = 1.50"
    walker.step()
    assert walker.arithmetic() == "x = 1.50 − 0.25 · 3.00 = 0.75"
    assert walker.history[-1].number == 2 and walker.steps == 2 and not walker.done


def test_arithmetic_brackets_a_negative_slope_and_keeps_a_small_rate():
    walker = SlopeDescent(PARABOLA, -3.0, 0.001)
    walker.step()
    assert walker.arithmetic() == "x = −3.00 − 0.001 · (−6.00) = −2.99"
    assert walker.history[-1].text(digits=3) == "x = −3.000 − 0.001 · (−6.000) = −2.994"


def test_learning_rate_one_bounces_forever_on_the_parabola():
    run = descend(PARABOLA, 3.0, 1.0, 20)
    assert list(run) == [3.0, -3.0] * 10 + [3.0]
    assert run.overshoots == tuple(range(1, 21))     # jumped over the bottom every time
    assert not run.converged and not run.diverged
    assert run.reason == "max_steps" and len(run) == 21
    assert all(not m.diverging for m in run.history)  # d stays at 10: not running away


def test_learning_rate_one_and_a_half_diverges_cleanly():
    run = descend(PARABOLA, 3.0, 1.5, 1000)
    assert list(run) == [3.0, -6.0, 12.0, -24.0, 48.0, -96.0]   # stopped after 5 rising steps
    assert list(run.values) == [10.0, 37.0, 145.0, 577.0, 2305.0, 9217.0]
    assert run.diverged and not run.converged and not run.undefined
    assert run.reason == "diverged" and "learning rate is too large" in run.detail
    assert run.overshoots == (1, 2, 3, 4, 5)
    assert all(m.diverging for m in run.history)


def test_running_past_the_blowup_limit_diverges():
    run = descend(PARABOLA, 3.0, 1.5, 1000, blowup=20.0)
    assert list(run) == [3.0, -6.0, 12.0, -24.0]
    assert run.diverged and run.reason == "diverged" and not run.undefined
    # x ← x − 4x³ leaves ±1e6 (the default) in two steps, long before the rising rule.
    quartic = descend(lambda x: x**4, 3.0, 1.0, 1000, df=lambda x: 4.0 * x**3)
    assert list(quartic) == [3.0, -105.0, -105.0 + 4.0 * 105.0**3]
    assert quartic.diverged and abs(quartic.x) > 1e6


def test_secant_walker_goes_where_the_secant_is_flat():
    # slope = 2x + q, so x ← x − 0.25(2x + 0.5) = x/2 − 0.125, and x + 0.25 halves.
    run = descend(d, 3.0, 0.25, 200, q=0.5)
    assert list(run)[:11] == [-0.25 + 3.25 / 2**k for k in range(11)]
    assert run.history[0].slope == 6.5 == 2 * 3.0 + 0.5
    exact = descend(d, 3.0, 0.25, 200, df=dd)
    assert run[1] == exact[1] - 0.25 * 0.5           # one step apart by lr · q
    # d rises a little after x passes 0, but the steps shrink: converged, not diverged.
    assert run.converged and run.reason == "converged"
    assert run.x == pytest.approx(-0.25, abs=1e-7) and exact.x == pytest.approx(0.0, abs=1e-7)


def test_the_articles_plain_update_converges_where_the_curve_is_gentle():
    # d(x) = (x − 2)²/4: slope (x − 2)/2, so x ← x − slope halves the distance to 2.
    run = descend(lambda x: (x - 2.0) ** 2 / 4.0, 6.0, 1.0, 100, df=lambda x: (x - 2.0) / 2.0)
    assert list(run)[:6] == [6.0, 4.0, 3.0, 2.5, 2.25, 2.125]
    assert run.converged and run.x == pytest.approx(2.0, abs=1e-7)
    steps = [abs(m.step) for m in run.history]
    assert all(b < a for a, b in itertools.pairwise(steps))


def test_falling_below_zero_is_not_mistaken_for_divergence():
    # On x² − 10 |d| grows on the way down; only d itself rising counts.
    run = descend(lambda x: x * x - 10.0, 3.0, 0.1, 1000, df=dd)
    assert run.converged and not run.diverged and run.x == pytest.approx(0.0, abs=1e-7)


def test_growing_steps_down_into_a_valley_are_not_divergence():
    # Off the plateau the ground gets steeper, so the steps grow for many moves in a row;
    # d (shifted below zero) falls all the while, so its size |d| grows: still no alarm.
    plateau = CURVES["plateau"]
    run = descend(lambda x: plateau.f(x) - 3.0, -1.5, 0.25, 1000, df=plateau.df)
    steps = [abs(m.step) for m in run.history]
    assert all(b > a for a, b in itertools.pairwise(steps[:21]))
    assert all(abs(m.d_to) > abs(m.d_from) for m in run.history[:21])
    assert run.converged and not run.diverged and run.x == pytest.approx(1.0, abs=1e-7)


def test_walking_into_undefined_ground_is_reported_without_warnings():
    for log in (np.log, math.log):
        run = descend(log, 0.5, 1.0, 100, df=lambda x: 1.0 / x)
        assert list(run) == [0.5, -1.5]             # 0.5 − 1/0.5
        assert math.isnan(run.values[1])
        assert run.diverged and run.undefined and run.reason == "diverged"
        assert "not defined" in run.detail and "−1.50" in run.detail
        assert run.history[0].diverging


def test_an_undefined_start_is_over_before_it_begins():
    walker = SlopeDescent(np.log, -1.0, 0.5, df=lambda x: 1.0 / x)
    assert walker.done and walker.diverged and walker.undefined
    assert walker.step() is None and walker.history == []
    run = descend(np.log, -1.0, 0.5, 10, df=lambda x: 1.0 / x)
    assert list(run) == [-1.0] and run.reason == "diverged" and run.overshoots == ()


def test_starting_on_the_floor_is_already_converged():
    walker = SlopeDescent(PARABOLA, 0.0, 0.25)
    assert walker.converged and walker.reason == "converged" and walker.step() is None
    assert list(descend(PARABOLA, 0.0, 0.25, 10)) == [0.0]


def test_landing_exactly_on_the_floor_converges_at_once():
    run = descend(PARABOLA, 3.0, 0.5, 10)          # x − 0.5 · 2x = 0
    assert list(run) == [3.0, 0.0] and run.converged
    assert run.overshoots == ()                     # slope 0 at the end: no sign change


def test_steps_and_max_steps_limit_the_walk():
    assert list(descend(PARABOLA, 3.0, 0.25, 3)) == [3.0, 1.5, 0.75, 0.375]
    zero = descend(PARABOLA, 3.0, 0.25, 0)
    assert list(zero) == [3.0] and zero.reason == "max_steps"
    walker = SlopeDescent(PARABOLA, 3.0, 1.0, max_steps=7)
    history = walker.run()
    assert len(history) == 7 and walker.reason == "max_steps" and walker.done
    assert not walker.converged and not walker.diverged
    assert walker.step() is None and len(walker.history) == 7


def test_the_learning_rate_can_change_between_steps_and_reset_starts_over():
    walker = SlopeDescent(PARABOLA, 3.0, 0.25)
    walker.step()
    walker.learning_rate = 0.5
    assert walker.step().x_to == 0.0 and walker.converged
    walker.reset()
    assert (walker.x, walker.history, walker.reason, walker.converged) == (3.0, [], None, False)
    # reset() goes back to the start but keeps the settings: 3 − 0.5 · 6 = 0.
    assert walker.step().x_to == 0.0 and walker.steps == 1


def test_the_slope_comes_from_df_a_curve_an_expression_or_q():
    assert SlopeDescent(PARABOLA, 3.0, 0.25).step().slope == 6.0
    expr = FakeExpression(lambda x: x * x + 1.0, lambda x: 2.0 * x)
    walker = SlopeDescent(expr, 3.0, 0.25)
    assert walker.step().x_to == 1.5 and walker.slope_at(2.0) == 4.0
    assert SlopeDescent(d, 3.0, 0.25, q=0.5).step().slope == 6.5
    with pytest.raises(ValueError, match="derivative"):
        SlopeDescent(d, 3.0, 0.25)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"learning_rate": 0.0}, "learning rate"),
        ({"learning_rate": -0.1}, "learning rate"),
        ({"learning_rate": math.nan}, "learning rate"),
        ({"q": 0.0}, "q cannot be 0"),
        ({"max_steps": -1}, "0 or more"),
        ({"tol": 0.0}, "tolerance"),
        ({"x0": math.inf}, "start"),
        ({"x0": 2e6}, "start"),
    ],
)
def test_bad_settings_are_refused(kwargs, message):
    settings_ = {"f": PARABOLA, "x0": 3.0, "learning_rate": 0.25} | kwargs
    with pytest.raises(ValueError, match=message):
        SlopeDescent(**settings_)


def test_a_run_is_a_read_only_sequence_of_points():
    run = descend(PARABOLA, 3.0, 0.25, 3)
    assert isinstance(run, DescentRun)
    assert len(run) == 4 and run.steps == 3
    assert run[0] == 3.0 and run[-1] == 0.375 and type(run[1]) is float
    assert list(run[1:3]) == [1.5, 0.75]
    assert 0.75 in run and 0.5 not in run
    assert list(reversed(run)) == [0.375, 0.75, 1.5, 3.0]
    assert len(run.values) == len(run.slopes) == len(run.points) == 4
    with pytest.raises(ValueError):
        run.points[0] = 1.0
    with pytest.raises(AttributeError):
        run.reason = "converged"


def test_slope_params_announce_changes():
    params = slope.SlopeParams()
    seen = []
    params.events.learning_rate.connect(seen.append)
    params.learning_rate = 1.5
    assert seen == [1.5] and params.q == 0.5 and not params.use_secant


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    a=st.floats(0.1, 10.0),
    m=st.floats(-5.0, 5.0),
    x0=st.floats(-10.0, 10.0),
    # lr = fraction / a with the fraction in (0, 1); kept away from both ends so that
    # |1 − 2a·lr| ≤ 0.96 and the walk settles within a few hundred steps.
    fraction=st.floats(0.02, 0.98),
)
def test_descent_on_any_scaled_parabola_finds_its_bottom(a, m, x0, fraction):
    run = descend(
        lambda x: a * (x - m) ** 2, x0, fraction / a, 10_000, df=lambda x: 2.0 * a * (x - m)
    )
    assert run.converged and not run.diverged and run.reason == "converged"
    assert run.x == pytest.approx(m, abs=1e-6)
    # Each step shrinks the distance to m by the same factor |1 − 2·fraction| < 1.
    values = list(run.values)
    assert all(b <= a_ for a_, b in itertools.pairwise(values))


nonzero_q = st.one_of(st.floats(1e-3, 10.0), st.floats(-10.0, -1e-3))


@settings(max_examples=100, deadline=None)
@given(
    a=st.floats(-10.0, 10.0),
    b=st.floats(-10.0, 10.0),
    x=st.floats(-100.0, 100.0),
    q=nonzero_q,
)
def test_secant_of_a_quadratic_is_two_a_x_plus_b_plus_a_q(a, b, x, q):
    def f(t):
        return a * t * t + b * t

    expected = 2.0 * a * x + b + a * q
    # Rounding in d(x) and d(x + q) (a few ulps of their size) is divided by q.
    scale = abs(a) * (x * x + (x + q) ** 2) + abs(b) * (abs(x) + abs(x + q))
    tolerance = 1e-14 * (scale / abs(q) + abs(expected)) + 1e-300
    assert abs(secant_slope(f, x, q) - expected) <= tolerance


# --------------------------------------------------------------------------------------
# What the slope tab shows
# --------------------------------------------------------------------------------------


def test_q_notches_run_from_a_trillionth_to_two_in_tenths_of_a_decade():
    notches = slope.Q_NOTCHES
    assert len(notches) == 124
    assert notches[0] == 1e-12 and notches[-1] == 2.0
    assert notches[-5:] == (0.8, 1.0, 1.25, 1.6, 2.0)
    assert 0.5 in notches and 0.25 in notches and 0.2 in notches
    assert all(q in notches for q in Q_VALUES)
    ratios = [b / a for a, b in itertools.pairwise(notches)]
    assert all(1.2 < r < 1.3 for r in ratios)       # every notch about 10^0.1 ≈ 1.26 apart


def test_nearest_notch_and_nearest_row_use_the_log_scale():
    notches = slope.Q_NOTCHES
    assert notches[slope.nearest_notch(0.5)] == 0.5
    assert notches[slope.nearest_notch(1e-12)] == 1e-12
    assert notches[slope.nearest_notch(1e-20)] == 1e-12
    assert notches[slope.nearest_notch(100.0)] == 2.0
    assert notches[slope.nearest_notch(0.3)] == 0.32        # log-nearest, not 0.25
    assert notches[slope.nearest_notch(-0.5)] == 0.5
    rows = q_table(d, dd, 1.0)
    assert slope.nearest_row(rows, 0.5) == 0                  # log(0.5) is nearer 1 than 0.1
    assert slope.nearest_row(rows, 0.25) == 1
    assert slope.nearest_row(rows, 1e-5) == 5
    assert slope.nearest_row(rows, 1.25e-12) == 12
    assert slope.nearest_row([], 0.5) is None
    with pytest.raises(ValueError, match="q cannot be 0"):
        slope.nearest_notch(0.0)


def test_q_is_written_the_way_a_student_reads_it():
    assert [slope.q_text(q) for q in (2.0, 0.5, 1.25, 0.1, 0.0016, 0.001)] == [
        "2.00", "0.50", "1.25", "0.10", "0.0016", "0.001"]
    assert slope.q_text(1e-5) == "10⁻⁵"
    assert slope.q_text(1.25e-5) == "1.25×10⁻⁵"
    assert slope.q_text(8e-4) == "8×10⁻⁴"
    assert slope.q_text(1e-12) == "10⁻¹²"
    assert slope.q_text(-0.5) == f"{MINUS}0.50"
    assert [slope.decimals_of(q) for q in (2.0, 0.5, 0.25, 1e-5, 1.25e-5, 1e-12)] == [
        0, 1, 2, 5, 7, 12]
    assert slope.decimals_of(math.pi) == 15


def test_the_equation_grows_digits_as_q_shrinks():
    assert slope.equation_decimals(0.5) == (2, 2)
    assert slope.equation_decimals(0.25) == (2, 6)
    assert slope.equation_decimals(1e-5) == (5, 12)
    assert slope.equation_decimals(1e-12) == (12, 15)
    assert slope_arithmetic(d, 1.0, 0.5).readable_text() == slope_arithmetic(d, 1.0, 0.5).text()
    assert slope_arithmetic(d, 1.0, 1e-5).readable_text() == (
        "(d(1.00001) − d(1.00000)) / 10⁻⁵ = (2.000020000100 − 2.000000000000) / 10⁻⁵ "
        "= 2.000010000014")
    # At q = 10⁻¹² the rounding noise is there for everyone to see.
    assert slope_arithmetic(d, 1.0, 1e-12).readable_text().endswith("= 2.000177801164682")
    assert slope_arithmetic(d, -1.0, -0.5).readable_text() == (
        "(d(−1.50) − d(−1.00)) / (−0.50) = (3.25 − 2.00) / (−0.50) = −2.50")
    # An x with more decimals (where a walk landed) is shown in full, so the numbers add up.
    assert slope.equation_decimals(0.5, 0.375) == (3, 6)
    assert slope.equation_decimals(0.5, 1.3) == (2, 2)
    assert slope.equation_decimals(0.5, 1 / 3) == (6, 12)
    assert slope_arithmetic(d, 0.375, 0.5).readable_text() == (
        "(d(0.875) − d(0.375)) / 0.50 = (1.765625 − 1.140625) / 0.50 = 1.250000")
    assert slope.exact_slope_text(1.0, 2.0, 0.5) == "d′(1.00) = 2.00"
    assert slope.exact_slope_text(0.375, 0.75, 0.5) == "d′(0.375) = 0.750000"
    assert slope.exact_slope_text(1.0, 2.0, 1e-5) == "d′(1.00000) = 2.000000000000"


def test_descent_steps_are_written_without_padding():
    walker = SlopeDescent(PARABOLA, 3.0, 0.25)
    texts = [walker.step().plain_text() for _ in range(3)]
    assert texts == ["x = 3 − 0.25 · 6 = 1.5", "x = 1.5 − 0.25 · 3 = 0.75",
                     "x = 0.75 − 0.25 · 1.5 = 0.375"]
    left = SlopeDescent(PARABOLA, -3.0, 0.001).step()
    assert left.plain_text() == "x = −3 − 0.001 · (−6) = −2.994"
    tiny = SlopeDescent(PARABOLA, 1e-8, 0.25).step()
    assert tiny.plain_text() == "x = 1×10⁻⁸ − 0.25 · 2×10⁻⁸ = 5×10⁻⁹"


def test_lines_for_the_view():
    assert slope.line_through(1.0, 2.0, 2.0) == (2.0, 0.0)
    assert all(math.isnan(v) for v in slope.line_through(1.0, math.nan, 2.0))
    assert slope.slope_between(1.0, 2.0, 1.5, 3.25) == 2.5
    assert math.isnan(slope.slope_between(1.0, 2.0, 1.0, 5.0))
    # y = 2t in the box x ∈ [−3, 3], y ∈ [0, 4]: enters at (0, 0), leaves at (2, 4).
    assert slope.clip_line(2.0, 0.0, (-3.0, 3.0), (0.0, 4.0)) == ((0.0, 0.0), (2.0, 4.0))
    assert slope.clip_line(-2.0, 0.0, (-3.0, 3.0), (0.0, 4.0)) == ((-2.0, 4.0), (0.0, 0.0))
    assert slope.clip_line(0.0, 1.0, (-3.0, 3.0), (0.0, 4.0)) == ((-3.0, 1.0), (3.0, 1.0))
    assert slope.clip_line(0.0, 9.0, (-3.0, 3.0), (0.0, 4.0)) is None
    assert slope.clip_line(1.0, 100.0, (-3.0, 3.0), (0.0, 4.0)) is None
    assert slope.clip_line(math.nan, 0.0, (-3.0, 3.0), (0.0, 4.0)) is None


def test_a_guess_is_checked_in_absolute_and_percent():
    check = slope.check_guess(2.5, 2.0)
    assert check == slope.GuessCheck(guess=2.5, true=2.0, error=0.5, percent=25.0)
    assert slope.check_guess(-1.0, -4.0).percent == 75.0
    flat = slope.check_guess(0.5, 0.0)
    assert flat.error == 0.5 and math.isnan(flat.percent)


def test_practice_points_are_a_fixed_sequence_of_tenths_inside_the_range():
    points = [slope.practice_x((-3.0, 3.0), n, seed=3) for n in range(40)]
    assert points == [slope.practice_x((-3.0, 3.0), n, seed=3) for n in range(40)]
    assert all(-2.4 <= p <= 2.4 and p == round(p, 1) for p in points)
    assert all(a != b for a, b in itertools.pairwise(points))
    assert len(set(points)) > 10
    assert slope.practice_x((0.0, 0.1), 5) == 0.1      # too narrow: the middle, in tenths
    with pytest.raises(ValueError):
        slope.practice_x((-3.0, 3.0), -1)


def test_comparison_with_hot_and_cold_from_the_same_start():
    from desktop_app.model import hot_cold

    result = slope.compare_with_hot_cold(PARABOLA, 3.0, 0.25)
    assert result.descent_steps == 29 and result.descent_reason == "converged"
    assert result.descent_x == 3.0 / 2**29
    # Plain game: right is colder (4), then 2, 1, 0 are hotter, −1 and 1 colder.
    assert result.plain_moves == 6 == hot_cold.moves_needed(PARABOLA.f, 3.0, 1.0)
    assert result.plain_x == 0.0
    game = hot_cold.HotColdGame(PARABOLA.f, 3.0, 1.0, halve_when_stuck=True, smallest_step=1e-8)
    assert result.halving_moves == len(game.run()) and result.halving_x == 0.0
    assert result.precision == 1e-8
    diverging = slope.compare_with_hot_cold(PARABOLA, 3.0, 1.5)
    assert diverging.descent_reason == "diverged" and diverging.descent_steps == 5
    with pytest.raises(ValueError):
        slope.compare_with_hot_cold(np.log, -1.0, 0.5, df=lambda x: 1.0 / x)


def test_decimal_text_and_the_new_settings():
    assert slope.decimal_text(-2.5, 2) == "−2.50"
    assert slope.decimal_text(-0.001, 2) == "0.00"
    assert slope.decimal_text(math.nan, 3) == "undefined"
    params = slope.SlopeParams()
    assert params.show_tangent and params.guess == 0.0
    seen = []
    params.events.guess.connect(seen.append)
    params.guess = 1.5
    assert seen == [1.5]
