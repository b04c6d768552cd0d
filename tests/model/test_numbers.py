"""Overflow and undefined points in the hot-and-cold game, with no view at all.

pytest turns warnings into errors, so each test also shows that NumPy stays quiet.
"""

from __future__ import annotations

import math

from desktop_app.model.functions import curve_for
from desktop_app.model.hot_cold import COLD, MINIMUM, PRECISION, HotColdGame


def played(text, start, step=1.0, **options):
    game = HotColdGame(curve_for(text).f, start, step, **options)
    game.run()
    return game


def test_a_side_falling_to_minus_infinity_is_named():
    game = played("-exp(x^3)", 0.0)
    assert (game.x, game.reason) == (8.0, MINIMUM)
    [move] = game.blocked_by
    assert move.x_to == 9.0 and move.d_to == -math.inf and move.verdict == COLD


def test_an_undefined_side_is_named():
    game = played("log(x)", 2.0)
    [move] = game.blocked_by
    assert game.x == 1.0 and move.x_to == 0.0 and math.isnan(move.d_to)


def test_both_sides_overflowing_are_named():
    game = played("x^1000", -2.0, step=100.0)
    assert game.x == -2.0 and game.moves == 2
    assert [m.x_to for m in game.blocked_by] == [98.0, -102.0]
    assert all(m.d_to == math.inf for m in game.blocked_by)


def test_a_true_minimum_has_nothing_in_the_way():
    assert played("x^2 + 1", -2.0).blocked_by == []
    assert played("x^2 + 1", -1.5, halve_when_stuck=True).blocked_by == []


def test_only_tries_at_the_final_step_count_after_halving():
    # sqrt has its lowest point at 0, the edge of where it is defined: halving walks there
    # and the last tries to the left, at the smallest step, find no value.
    game = played("sqrt(x)", 1.5, halve_when_stuck=True)
    assert game.reason == PRECISION and game.x == 0.0
    assert game.blocked_by
    assert all(m.step == game.step_size and m.x_from == 0.0 for m in game.blocked_by)
    assert all(math.isnan(m.d_to) and m.x_to < 0 for m in game.blocked_by)
