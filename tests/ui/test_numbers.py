"""Numbers that go wrong, on every tab: the biggest learning rate or step the controls
allow, and typed functions that overflow or have no value.

Each tab must say so in plain words ("diverged", "blew up", "undefined", "not defined"),
stop playing by itself and keep working. NumPy warnings are recorded rather than raised
here, so that an ``except`` somewhere in the app cannot hide one: every test ends by
checking that none was emitted at all.
"""

from __future__ import annotations

import warnings

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QTableWidget,
    QTextEdit,
)

from desktop_app.model.network_lab import TYPED
from desktop_app.model.optimizers import OPTIMIZER_NAMES
from desktop_app.ui.digits_tab import BLEW_UP as DIGITS_BLEW_UP
from desktop_app.ui.network_tab import BLEW_UP as NETWORK_BLEW_UP
from tests.ui.widgets import choose, find

PLAY_TIMEOUT = 30_000  # ms: a safety net for a stuck timer, not a speed requirement


@pytest.fixture
def no_warnings():
    """Record every warning (none may be swallowed by the app) and demand that there were none."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    assert [str(w.message) for w in caught] == []


def open_tab(window, key):
    window.show_tab(key)
    tab = window.tab_by_key(key)
    assert tab is not None and tab.isVisible()
    return tab


def type_formula(qtbot, tab, name, text):
    field = find(tab, QLineEdit, name)
    field.setFocus()
    field.setText(text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def play_until_it_stops(window, qtbot, tab):
    window.playback.speed.setValue(window.playback.speed.maximum())
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert tab.playing
    qtbot.waitUntil(lambda: not tab.playing, timeout=PLAY_TIMEOUT)
    assert not tab.timer_active
    assert window.playback.play_button.text() == "Play"


def refuses_to_play(window, qtbot, tab):
    """Play and Step do nothing but say why; nothing raises."""
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not tab.playing and not tab.timer_active
    refusal = window.statusBar().currentMessage()
    assert refusal
    return refusal


def no_raw_numbers(text):
    """What a student reads never shows Python's words for broken numbers."""
    words = text.replace("undefined", "").lower().split()
    assert not {"nan", "inf", "-inf", "infinity"} & set(words), text


# -- hot and cold ------------------------------------------------------------------------------


def hot_result(tab):
    return find(tab, QLabel, "result").text()


def test_hot_the_largest_step_stops_and_says_the_step_is_too_coarse(window, qtbot, no_warnings):
    tab = open_tab(window, "hot")
    spin = find(tab, QDoubleSpinBox, "step_size")
    spin.setValue(spin.maximum())
    assert tab.params.step == 100.0
    play_until_it_stops(window, qtbot, tab)
    assert tab.game.done
    assert "too coarse" in hot_result(tab)


def test_hot_a_curve_falling_to_minus_infinity_diverges(window, qtbot, no_warnings):
    tab = open_tab(window, "hot")
    type_formula(qtbot, tab, "function_text", "-exp(x^3)")
    find(tab, QDoubleSpinBox, "start").setValue(0.0)
    play_until_it_stops(window, qtbot, tab)
    result = hot_result(tab)
    # exp(9³) is beyond the largest float: d is −∞ at x = 9 and the walker stops at 8.
    assert "diverged" in result and "x = 9" in result and tab.game.x == 8.0
    assert "Minimum found" not in result
    no_raw_numbers(result)
    refuses_to_play(window, qtbot, tab)


def test_hot_an_undefined_side_is_not_called_a_minimum(window, qtbot, no_warnings):
    tab = open_tab(window, "hot")
    type_formula(qtbot, tab, "function_text", "log(x)")
    find(tab, QDoubleSpinBox, "start").setValue(2.0)
    play_until_it_stops(window, qtbot, tab)
    result = hot_result(tab)
    assert "undefined at x = 0" in result and "Minimum found" not in result
    assert tab.game.x == 1.0


def test_hot_overflow_on_both_sides_stops_cleanly(window, qtbot, no_warnings):
    tab = open_tab(window, "hot")
    type_formula(qtbot, tab, "function_text", "x^1000")
    find(tab, QDoubleSpinBox, "step_size").setValue(100.0)
    play_until_it_stops(window, qtbot, tab)
    assert tab.game.done and tab.game.x == -2.0  # 98¹⁰⁰⁰ and 102¹⁰⁰⁰ are both ∞
    assert "Stopped" in hot_result(tab)
    no_raw_numbers(hot_result(tab))


@pytest.mark.parametrize(("text", "start"), [("1/x", 0.0), ("sqrt(x)", -2.0), ("log(x)", -1.0)])
def test_hot_a_start_where_d_is_undefined_cannot_be_played(window, qtbot, no_warnings, text,
                                                            start):
    tab = open_tab(window, "hot")
    type_formula(qtbot, tab, "function_text", text)
    find(tab, QDoubleSpinBox, "start").setValue(start)
    result = hot_result(tab)
    assert "not defined at the start" in result
    assert "not defined at the start" in refuses_to_play(window, qtbot, tab)
    qtbot.mouseClick(find(window, QPushButton, "step"), Qt.MouseButton.LeftButton)
    assert find(tab, QTableWidget, "move_log").rowCount() == 0
    assert hot_result(tab) == result
    # A start where d has a value plays again.
    find(tab, QDoubleSpinBox, "start").setValue(3.0)
    assert tab.can_play()
    qtbot.mouseClick(find(window, QPushButton, "step"), Qt.MouseButton.LeftButton)
    assert find(tab, QTableWidget, "move_log").rowCount() == 1


# -- slope -------------------------------------------------------------------------------------


def slope_walk(window, qtbot, text, start, learning_rate=None):
    tab = open_tab(window, "slope")
    type_formula(qtbot, tab, "function_text", text)
    find(tab, QDoubleSpinBox, "x").setValue(start)
    rate = find(tab, QDoubleSpinBox, "learning_rate")
    rate.setValue(rate.maximum() if learning_rate is None else learning_rate)
    qtbot.mouseClick(find(tab, QPushButton, "mode_descend"), Qt.MouseButton.LeftButton)
    assert tab.mode == "descend"
    return tab


def walk_info(tab):
    return find(tab, QLabel, "descent_info").text()


@pytest.mark.parametrize(("text", "start"), [("x^2 + 1", 3.0), ("x^3", 3.0), ("x^1000", 1.5)])
def test_slope_the_largest_learning_rate_diverges(window, qtbot, no_warnings, text, start):
    tab = slope_walk(window, qtbot, text, start)
    assert tab.params.learning_rate == 5.0
    play_until_it_stops(window, qtbot, tab)
    assert tab.walker.diverged
    assert "It diverges" in walk_info(tab)
    assert "learning rate is too large" in window.statusBar().currentMessage()
    refuses_to_play(window, qtbot, tab)


def test_slope_a_walk_into_overflow_stops_and_says_so(window, qtbot, no_warnings):
    # −exp(x) runs downhill to the right; the second step lands where exp overflows.
    tab = slope_walk(window, qtbot, "-exp(x)", 0.0)
    play_until_it_stops(window, qtbot, tab)
    info = walk_info(tab)
    assert "Stopped" in info and "not defined (or too large to compute)" in info
    refuses_to_play(window, qtbot, tab)


@pytest.mark.parametrize(("text", "start"), [("1/x", 0.0), ("sqrt(x)", -2.0)])
def test_slope_a_start_where_d_is_undefined_cannot_be_walked(window, qtbot, no_warnings, text,
                                                              start):
    tab = slope_walk(window, qtbot, text, start, learning_rate=0.1)
    info = walk_info(tab)
    assert "d = undefined" in info and "not defined" in info
    refuses_to_play(window, qtbot, tab)
    assert tab.walker.steps == 0


# -- surface -----------------------------------------------------------------------------------


def surface_with_every_optimizer_at_full_speed(window, qtbot):
    tab = open_tab(window, "surface")
    for name in OPTIMIZER_NAMES:
        box = find(tab, QCheckBox, f"opt_{name}")
        if not box.isChecked():
            qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
        slider = find(tab, QSlider, f"lr_{name}")
        slider.setValue(slider.maximum())
        assert tab.settings.hyper[name]["lr"] == 10.0
    return tab


def set_surface_start(tab, x, y):
    find(tab, QDoubleSpinBox, "start_x").setValue(x)
    find(tab, QDoubleSpinBox, "start_y").setValue(y)


@pytest.mark.parametrize(("text", "start"), [("x^2 + y^2", (1.0, 1.0)),
                                             ("exp(x^3) + y^2", (1.0, 1.0))])
def test_surface_the_largest_learning_rates_diverge_and_the_race_ends(window, qtbot, no_warnings,
                                                                       text, start):
    tab = surface_with_every_optimizer_at_full_speed(window, qtbot)
    type_formula(qtbot, tab, "surface_text", text)
    set_surface_start(tab, *start)
    play_until_it_stops(window, qtbot, tab)
    race = tab.model.race
    assert all(d.done for d in race.descents.values())
    assert race.descents["gd"].diverged
    table = find(tab, QTableWidget, "walkers")
    verdicts = [table.item(r, 3).text() for r in range(table.rowCount())]
    assert verdicts[0] == "diverged ✗"
    assert "GD diverged" in window.statusBar().currentMessage()
    narration = find(tab, QTextEdit, "narration").toPlainText()
    assert "diverged after" in narration
    no_raw_numbers(narration)
    refuses_to_play(window, qtbot, tab)


@pytest.mark.parametrize(("text", "start"), [("1/x + y^2", (0.0, 0.0)),
                                             ("sqrt(x) + y^2", (-2.0, 1.0))])
def test_surface_a_start_without_a_height_cannot_be_raced(window, qtbot, no_warnings, text,
                                                           start):
    tab = surface_with_every_optimizer_at_full_speed(window, qtbot)
    type_formula(qtbot, tab, "surface_text", text)
    set_surface_start(tab, *start)
    assert tab.model.race is None
    assert "no height or no slope at the start" in refuses_to_play(window, qtbot, tab)
    assert "no height or no slope" in find(tab, QTextEdit, "narration").toPlainText()
    set_surface_start(tab, 1.0, 1.0)
    assert tab.can_play()


# -- network -----------------------------------------------------------------------------------


def network_fitting(window, qtbot, text):
    tab = open_tab(window, "network")
    choose(tab, "task", "fit")
    choose(tab, "optimizer", "gd")
    choose(tab, "dataset", TYPED)
    type_formula(qtbot, tab, "function_text", text)
    assert not find(tab, QLabel, "function_error").isVisibleTo(tab)
    assert tab.lab.settings.formula == text
    slider = find(tab, QSlider, "learning_rate")
    slider.setValue(slider.maximum())
    assert tab.lab.settings.learning_rate == 10.0
    return tab


@pytest.mark.parametrize("text", ["1/x", "x^2"])
def test_network_the_largest_learning_rate_blows_up_and_says_so(window, qtbot, no_warnings,
                                                                  text):
    tab = network_fitting(window, qtbot, text)
    play_until_it_stops(window, qtbot, tab)
    assert tab.lab.diverged
    assert find(tab, QLabel, "training_status").text() == NETWORK_BLEW_UP
    stats = find(tab, QLabel, "training_stats").text()
    assert "blew up" in stats
    no_raw_numbers(stats)
    assert refuses_to_play(window, qtbot, tab) == NETWORK_BLEW_UP
    tab.reset()
    assert not tab.lab.diverged and tab.lab.epoch == 0


@pytest.mark.parametrize("text", ["exp(x^3)", "x^1000"])
def test_network_a_function_too_large_to_fit_is_refused(window, qtbot, no_warnings, text):
    # No learning rate could help: the squared errors overflow by themselves.
    tab = open_tab(window, "network")
    choose(tab, "task", "fit")
    choose(tab, "dataset", TYPED)
    type_formula(qtbot, tab, "function_text", text)
    error = find(tab, QLabel, "function_error")
    assert error.isVisibleTo(tab) and "too large for a network to fit" in error.text()
    assert tab.lab.settings.formula != text


def test_network_a_function_with_no_values_is_refused(window, qtbot, no_warnings):
    tab = open_tab(window, "network")
    choose(tab, "task", "fit")
    choose(tab, "dataset", TYPED)
    type_formula(qtbot, tab, "function_text", "sqrt(-1 - x^2)")
    error = find(tab, QLabel, "function_error")
    assert error.isVisibleTo(tab) and "defined at fewer than two points" in error.text()
    assert tab.lab.settings.formula != "sqrt(-1 - x^2)"


# -- digits ------------------------------------------------------------------------------------


def digits_with_largest_learning_rate(window, activation, optimizer, epochs):
    tab = open_tab(window, "digits")
    choose(tab, "activation", activation)
    choose(tab, "optimizer", optimizer)
    find(tab, QSpinBox, "epochs").setValue(epochs)
    slider = find(tab, QSlider, "learning_rate")
    slider.setValue(slider.maximum())
    assert tab.lab.settings.learning_rate == 10.0
    return tab


def test_digits_the_largest_learning_rate_blows_up_and_says_so(window, qtbot, no_warnings):
    # Straight (linear) neurons with plain descent: the outputs grow without bound.
    tab = digits_with_largest_learning_rate(window, "linear", "gd", epochs=40)
    qtbot.mouseClick(find(tab, QPushButton, "train"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.playing, timeout=PLAY_TIMEOUT)
    assert tab.lab.diverged and not tab.timer_active
    assert find(tab, QLabel, "training_status").text() == DIGITS_BLEW_UP
    assert window.statusBar().currentMessage() == DIGITS_BLEW_UP
    for name in ("accuracy", "loss", "accuracy_detail"):
        no_raw_numbers(find(tab, QLabel, name).text())
    assert refuses_to_play(window, qtbot, tab) == DIGITS_BLEW_UP
    tab.reset()
    assert not tab.lab.diverged and tab.lab.epoch == 0


def test_digits_the_largest_learning_rate_with_the_defaults_ends_its_run(window, qtbot,
                                                                         no_warnings):
    # ReLU with Adam keeps every number finite even at this rate: the run simply ends.
    tab = digits_with_largest_learning_rate(window, "relu", "adam", epochs=3)
    qtbot.mouseClick(find(tab, QPushButton, "train"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.playing, timeout=PLAY_TIMEOUT)
    assert tab.lab.epoch == 3 and not tab.timer_active
    for name in ("accuracy", "loss", "training_status"):
        no_raw_numbers(find(tab, QLabel, name).text())
