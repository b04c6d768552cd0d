"""The hot-and-cold game against sequences worked out by hand (and the article's two examples)."""

import math

import numpy as np
import pytest

from desktop_app.model import hot_cold
from desktop_app.model.hot_cold import COLD, HOT, DarkRoomGame, HotColdGame, HotColdParams


def d(x):
    return x * x + 1.0


def trace(game):
    return [(m.x_from, m.x_to, m.d_from, m.d_to, m.verdict, m.accepted) for m in game.history]


def test_article_example_from_minus_two_finds_zero():
    game = HotColdGame(d, start=-2, step_size=1)
    game.run()
    assert trace(game) == [
        (-2.0, -1.0, 5.0, 2.0, HOT, True),
        (-1.0, 0.0, 2.0, 1.0, HOT, True),
        (0.0, 1.0, 1.0, 2.0, COLD, False),    # 2 on the right...
        (0.0, -1.0, 1.0, 2.0, COLD, False),   # ...and 2 on the left: stop
    ]
    assert game.done and game.reason == hot_cold.MINIMUM
    assert (game.x, game.d_x) == (0.0, 1.0)
    assert game.step() is None
    assert game.moves == 4


def test_article_example_from_minus_one_and_a_half_never_lands_on_zero():
    game = HotColdGame(d, start=-1.5, step_size=1)
    game.run()
    visited = {m.x_to for m in game.history}
    assert visited == {-0.5, 0.5, -1.5}
    assert 0.0 not in visited
    assert (game.x, game.d_x) == (-0.5, 1.25)
    # The true minimum lies half a step away: the step was too coarse to land on it.
    assert hot_cold.missed_minimum(game, (0.0,)) == 0.0


def test_missed_minimum_is_none_when_the_game_lands_on_it():
    game = HotColdGame(d, start=-2, step_size=1)
    game.run()
    assert hot_cold.missed_minimum(game, (0.0,)) is None


def test_wrong_first_direction_turns_around():
    game = HotColdGame(d, start=-2, step_size=1, first_direction=-1)
    first, second, third = game.step(), game.step(), game.step()
    assert (first.x_to, first.d_to, first.verdict, first.accepted) == (-3.0, 10.0, COLD, False)
    assert (second.x_from, second.x_to, second.verdict) == (-2.0, -1.0, HOT)
    assert (third.x_to, third.verdict) == (0.0, HOT)
    game.run()
    assert game.x == 0.0 and game.moves == 5


def test_halving_reaches_any_precision():
    game = HotColdGame(d, start=-1.3, step_size=1, halve_when_stuck=True, smallest_step=1e-4)
    game.run()
    assert game.reason == hot_cold.PRECISION
    assert abs(game.x) < 2e-4
    assert game.step_size < 2e-4
    assert game.halvings == 13  # 1 / 2**13 = 1.2e-4 is the last step not below 1e-4


def test_local_minimum_is_where_a_greedy_walker_stops():
    def two_valleys(x):
        return (x * x - 1.0) ** 2 + 0.3 * x  # deeper on the left

    game = HotColdGame(two_valleys, start=2.0, step_size=0.5, first_direction=-1)
    game.run()
    assert game.x == 1.0  # the shallow right valley, not the deeper left one


def test_gives_up_when_d_keeps_falling():
    game = HotColdGame(lambda x: -x, start=0, step_size=1, max_moves=50)
    game.run()
    assert game.reason == hot_cold.GAVE_UP and game.moves == 50 and game.x == 50


def test_undefined_values_count_as_cold_and_are_never_entered():
    game = HotColdGame(lambda x: math.sqrt(x) if x >= 0 else math.nan, start=0.5,
                       step_size=1, first_direction=-1)
    move = game.step()
    assert math.isnan(move.d_to) and move.verdict == COLD and not move.accepted
    assert game.x == 0.5


@pytest.mark.parametrize("step", [0.0, -1.0, math.nan, math.inf])
def test_bad_step_is_refused(step):
    with pytest.raises(ValueError, match="step"):
        HotColdGame(d, 0.0, step)


def test_undefined_start_is_refused():
    with pytest.raises(ValueError, match="not defined"):
        HotColdGame(lambda x: math.log(x) if x > 0 else math.nan, -1.0)


def test_moves_needed_counts_the_automatic_players_moves():
    assert hot_cold.moves_needed(d, -2, 1) == 4
    # 3->4 is worse, so turn: 3->2->1->0, then -1 and 1 are both worse.
    assert hot_cold.moves_needed(d, 3, 1) == 6


def test_works_on_numpy_callables():
    game = HotColdGame(lambda x: np.float64(x) ** 2 + 1, -2, 1)
    game.run()
    assert game.x == 0.0


def test_dark_room_walker_goes_where_it_is_sent_and_remembers_the_best():
    dark = DarkRoomGame(d, start=-2, step_size=1)
    moves = [dark.move(+1), dark.move(+1), dark.move(+1), dark.move(-1)]
    assert [(m.x_to, m.verdict) for m in moves] == [(-1, HOT), (0, HOT), (1, COLD), (0, HOT)]
    assert dark.x == 0 and dark.moves == 4
    assert (dark.best_x, dark.best_d) == (0.0, 1.0)
    with pytest.raises(ValueError):
        dark.move(0)


def test_params_emit_change_events():
    params = HotColdParams()
    seen = []
    params.events.start.connect(seen.append)
    params.start = 3.0
    params.start = 3.0  # no change, no event
    assert seen == [3.0]
