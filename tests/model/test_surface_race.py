"""The surface tab's model: settings, the race they make, the log-scale learning rate, saving."""

from __future__ import annotations

import json

import pytest

from desktop_app.model import surface_race as sr
from desktop_app.model.expression import ExpressionError
from desktop_app.model.functions import SURFACES
from desktop_app.model.optimizers import DEFAULT_LR, OPTIMIZER_NAMES


def test_defaults_race_gd_momentum_and_adam_on_the_bowl_from_minus_two_two():
    race = sr.SurfaceRace()
    assert race.surface is SURFACES["bowl"]
    assert list(race.race.descents) == ["gd", "momentum", "adam"]
    assert race.start == (-2.0, 2.0) == race.current_point()
    for name in OPTIMIZER_NAMES:
        assert race.settings.hyper[name]["lr"] == DEFAULT_LR[name]
    assert race.settings.hyper["adam"] == {"lr": 0.1, "beta1": 0.9, "beta2": 0.999}


def test_one_gd_step_on_the_bowl_by_hand():
    race = sr.SurfaceRace()
    race.settings.enabled = ("gd",)
    race.settings.hyper = {**race.settings.hyper, "gd": {"lr": 0.1}}
    race.settings.start_x, race.settings.start_y = 1.5, -1.0
    race.rebuild()
    assert race.step() == 1
    x, y = 1.5, -1.0
    assert race.current_point() == pytest.approx((x - 0.1 * 2 * x, y - 0.1 * 2 * y))
    assert race.gradient_at(race.current_point()) == pytest.approx((2 * 1.2, 2 * -0.8))


def test_step_moves_every_walker_and_stops_when_all_are_done():
    race = sr.SurfaceRace()
    assert race.step(3) == 3
    assert all(d.steps == 3 for d in race.race.descents.values())
    race.step(100_000)
    assert race.done and race.step() == 0


def test_no_optimizer_means_no_race_and_a_reason():
    race = sr.SurfaceRace()
    race.settings.enabled = ()
    race.rebuild()
    assert race.race is None and race.done
    assert "at least one optimizer" in race.problem
    assert race.step() == 0 and race.current_point() == race.start


def test_a_start_where_f_is_undefined_is_explained():
    race = sr.SurfaceRace()
    race.set_surface("log(x) + y^2")
    race.settings.start_x = -1.0
    race.rebuild()
    assert race.race is None
    assert race.problem.startswith("This surface has no height or no slope at the start (-1, 2)")


def test_a_new_surface_keeps_a_start_inside_it_and_moves_one_outside():
    race = sr.SurfaceRace()
    race.set_surface(SURFACES["himmelblau"].text)
    assert race.start == (-2.0, 2.0)
    race.set_surface(SURFACES["six_hump_camel"].text)
    (x0, x1), (y0, y1) = SURFACES["six_hump_camel"].bounds
    x, y = race.start
    assert x0 <= x <= x1 and y0 <= y <= y1
    assert race.race is not None and race.race.rounds == 0


def test_a_typing_mistake_changes_nothing():
    race = sr.SurfaceRace()
    with pytest.raises(ExpressionError):
        race.set_surface("x^2 +")
    assert race.surface is SURFACES["bowl"] and race.settings.surface == "x^2 + y^2"


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_every_default_learning_rate_sits_on_a_slider_notch(name):
    lr = DEFAULT_LR[name]
    assert sr.lr_from_notch(sr.notch_from_lr(lr)) == lr


def test_learning_rate_notches_are_a_log_scale_of_readable_numbers():
    lo = sr.LR_MIN_EXPONENT * sr.LR_NOTCHES_PER_DECADE
    hi = sr.LR_MAX_EXPONENT * sr.LR_NOTCHES_PER_DECADE
    values = [sr.lr_from_notch(k) for k in range(lo, hi + 1)]
    assert values[0] == 1e-4 and values[-1] == 10.0
    assert all(b > a for a, b in zip(values, values[1:], strict=False))
    assert sr.lr_from_notch(-20) == 0.1 and sr.lr_from_notch(-10) == 0.32
    assert all(len(f"{v:.2e}".split("e")[0].rstrip("0").rstrip(".")) <= 3 for v in values)
    assert sr.notch_from_lr(1e9) == hi and sr.notch_from_lr(1e-9) == lo
    assert sr.notch_from_lr(0.0) == lo


def test_steps_per_tick_grow_with_speed_and_with_a_long_race():
    assert sr.steps_per_tick(2.0, 0) == 1
    assert sr.steps_per_tick(20.0, 0) == 2
    assert sr.steps_per_tick(2.0, 0, speed_up=False) == 1
    assert sr.steps_per_tick(2.0, 500, speed_up=False) == 1
    assert sr.steps_per_tick(2.0, sr.SPEED_UP_EVERY) == 2
    assert sr.steps_per_tick(2.0, 3 * sr.SPEED_UP_EVERY) == 8
    assert sr.steps_per_tick(2.0, 10**6) == sr.SPEED_UP_LIMIT


def test_default_start_is_inside_near_the_top_left_corner():
    assert sr.default_start(((-2.0, 2.0), (-1.0, 1.0))) == (-1.4, 0.7)


def test_state_round_trip_through_json():
    race = sr.SurfaceRace()
    race.settings.enabled = ("nesterov", "rmsprop")
    race.settings.hyper = {**race.settings.hyper, "nesterov": {"lr": 0.02, "momentum": 0.8}}
    race.set_surface(SURFACES["booth"].text)
    race.settings.start_x, race.settings.start_y = 4.0, 6.0
    saved = json.loads(json.dumps(race.state()))
    other = sr.SurfaceRace()
    other.apply(*other.checked(saved))
    assert other.state() == race.state()
    assert other.surface is SURFACES["booth"]
    assert list(other.race.descents) == ["nesterov", "rmsprop"]
    assert other.race.descents["nesterov"].optimizer.momentum == 0.8


def test_a_typed_surface_survives_saving():
    race = sr.SurfaceRace()
    race.set_surface("(x - 1)^2 + 2(y + 1)^2")
    other = sr.SurfaceRace()
    other.apply(*other.checked(race.state()))
    assert other.surface.text == race.surface.text
    assert other.surface.minima[0] == pytest.approx((1.0, -1.0), abs=1e-6)


@pytest.mark.parametrize("bad, words", [
    ({"surface": "x^2 +"}, None),  # the parser's own message
    ({"surface": 3}, "formula"),
    ({"start": [1, "a"]}, "start"),
    ({"start": [1, float("nan")]}, "finite"),
    ({"optimizers": {"sgd": {"on": True}}}, "unknown optimizer"),
    ({"optimizers": {"gd": {"lr": -1}}}, "learning rate"),
    ({"optimizers": {"adam": {"beta1": 1.0}}}, "beta1"),
    ({"optimizers": {"gd": {"momentum": 0.5}}}, "no setting"),
    ({"optimizers": {"gd": {"on": "yes"}}}, "true or false"),
    ({"optimizers": ["gd"]}, "map"),
    ([1, 2], "dictionary"),
])
def test_a_bad_state_is_refused_and_changes_nothing(bad, words):
    race = sr.SurfaceRace()
    before = race.state()
    with pytest.raises(ValueError, match=words):
        race.checked(bad)
    assert race.state() == before


def test_settings_changes_are_events():
    settings = sr.RaceSettings()
    seen = []
    settings.events.start_x.connect(seen.append)
    settings.start_x = 1.0
    settings.start_x = 1.0  # no change, no event
    assert seen == [1.0]
