"""Driving the slope explorer the way a student would: sliders, drags, clicks and buttons."""

import math
import re

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QTableWidget,
)

from desktop_app.model import hot_cold, slope
from desktop_app.model.expression import ExpressionError
from desktop_app.model.functions import CURVES
from desktop_app.ui.slope_tab import PRACTICE_SEED

PARABOLA = CURVES["parabola"]
SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def slope_tab(window):
    tab = window.tab_by_key("slope")
    window.show_tab("slope")
    return tab


def label(tab, name):
    widget = tab.findChild(QLabel, name)
    assert widget is not None, name
    return widget.text()


def click(qtbot, tab, name):
    button = tab.window().findChild(QPushButton, name)
    assert button is not None, name
    assert button.isVisible() and button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def widget_point(plot, x, y):
    scene_point = plot.getPlotItem().getViewBox().mapViewToScene(QPointF(x, y))
    return plot.mapFromScene(scene_point)


def click_plot_at(qtbot, plot, x, y):
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=widget_point(plot, x, y))


def drag_on_plot(qtbot, plot, start, end, moves=10):
    """Press at ``start`` (view coordinates), move in small steps, release at ``end``."""
    p0, p1 = widget_point(plot, *start), widget_point(plot, *end)
    viewport = plot.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=p0)
    for i in range(1, moves + 1):
        qtbot.mouseMove(viewport, p0 + (p1 - p0) * (i / moves))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=p1)


def table_rows(tab):
    table = tab.findChild(QTableWidget, "q_table")
    return [tuple(table.item(r, c).text() for c in range(table.columnCount()))
            for r in range(table.rowCount())]


def row_marks(tab):
    table = tab.findChild(QTableWidget, "q_table")
    return [table.verticalHeaderItem(r).text() for r in range(table.rowCount())]


def shown_number(text):
    """A number as the table writes it (−1.7×10⁻⁷, 0.00018) back to a float."""
    text = text.replace("−", "-")
    if "×10" in text:
        mantissa, power = text.split("×10")
        return float(mantissa) * 10.0 ** int(power.translate(SUPERSCRIPT_DIGITS))
    return float(text)


def line_slope(tab, name):
    xs, ys = tab.plot.lines[name][0].getData()
    assert xs is not None and len(xs) == 2, name
    return (ys[1] - ys[0]) / (xs[1] - xs[0])


def set_q(tab, q):
    slider = tab.findChild(QSlider, "q")
    slider.setValue(slope.Q_NOTCHES.index(q))


def start_walk(window, qtbot, x=3.0, learning_rate=0.25):
    tab = slope_tab(window)
    tab.findChild(QDoubleSpinBox, "x").setValue(x)
    tab.findChild(QDoubleSpinBox, "learning_rate").setValue(learning_rate)
    click(qtbot, tab, "mode_descend")
    assert tab.mode == "descend" and tab.walker.x0 == x
    return tab


# -- explore -----------------------------------------------------------------------------------


def test_the_articles_example_is_worked_out_on_screen(window):
    tab = slope_tab(window)
    assert tab.mode == "explore" and tab.params.x == 1.0 and tab.params.q == 0.5
    assert label(tab, "function_heading") == "d(x) = x² + 1"
    assert label(tab, "equation") == "(d(1.50) − d(1.00)) / 0.50 = (3.25 − 2.00) / 0.50 = 2.50"
    assert label(tab, "exact_slope") == "d′(1.00) = 2.00"
    assert label(tab, "q_value") == "q = 0.50"
    assert line_slope(tab, "secant") == pytest.approx(2.5, rel=1e-12)
    assert line_slope(tab, "tangent") == pytest.approx(2.0, rel=1e-12)
    assert tab.plot.lines["secant"][1].toPlainText() == "secant slope 2.50"
    assert tab.plot.lines["tangent"][1].toPlainText() == "tangent slope 2.00"
    assert label(tab, "derivative_heading").startswith("d′(x) = 2x")
    # The bottom plot marks x and the height d′(x) there.
    assert tab.derivative_plot.x_line.value() == 1.0
    dot_x, dot_y = tab.derivative_plot.dot.getData()
    assert (list(dot_x), list(dot_y)) == ([1.0], [2.0])
    rows = table_rows(tab)
    assert len(rows) == 13
    assert rows[0] == ("1.00", "3", "2", "1")
    assert rows[5][0] == "10⁻⁵"
    assert row_marks(tab)[0] == "now ▶"        # 0.5 is nearest to 1 on the log scale
    assert tab.findChild(QLabel, "roundoff").text().endswith(slope.ROUNDOFF_EXPLANATION)


def test_the_tangent_can_be_hidden(window, qtbot):
    tab = slope_tab(window)
    tangent_line, tangent_label = tab.plot.lines["tangent"]
    tab.findChild(QCheckBox, "show_tangent").setChecked(False)
    assert not tab.params.show_tangent
    assert tangent_line.getData()[0] is None or len(tangent_line.getData()[0]) == 0
    assert not tangent_label.isVisible()
    tab.findChild(QCheckBox, "show_tangent").setChecked(True)
    assert line_slope(tab, "tangent") == pytest.approx(2.0, rel=1e-12)


def test_moving_the_q_slider_rewrites_the_equation_and_marks_the_row(window, qtbot):
    tab = slope_tab(window)
    slider = tab.findChild(QSlider, "q")
    assert slope.Q_NOTCHES[slider.value()] == 0.5
    set_q(tab, 0.01)
    assert tab.params.q == 0.01
    assert label(tab, "equation") == (
        "(d(1.01) − d(1.00)) / 0.01 = (2.020100 − 2.000000) / 0.01 = 2.010000")
    assert label(tab, "q_value") == "q = 0.01"
    assert row_marks(tab)[2] == "now ▶" and row_marks(tab)[0] == ""
    assert line_slope(tab, "secant") == pytest.approx(2.01, rel=1e-9)
    # One page down on the keyboard is one decade: q = 0.001.
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_PageDown)
    assert tab.params.q == 0.001
    assert row_marks(tab)[3] == "now ▶"
    assert label(tab, "equation").startswith("(d(1.001) − d(1.000)) / 0.001 = ")


def test_a_tiny_q_gives_a_worse_slope_than_the_best_one(window):
    tab = slope_tab(window)
    tab.findChild(QSlider, "q").setValue(0)
    assert tab.params.q == 1e-12
    marks = row_marks(tab)
    assert marks[12] == "now ▶"
    best = [i for i, mark in enumerate(marks) if "best" in mark]
    assert len(best) == 1 and 6 <= best[0] <= 9
    rows = table_rows(tab)
    assert shown_number(rows[12][3]) > 100 * shown_number(rows[best[0]][3])
    # The equation shows enough digits to see the rounding noise.
    assert label(tab, "equation").endswith("/ 10⁻¹² = 2.000177801164682")


def test_step_and_play_shrink_q_until_it_cannot_go_further(window, qtbot):
    tab = slope_tab(window)
    click(qtbot, tab, "step")
    assert tab.params.q == 0.4
    assert "q = 0.40" in window.statusBar().currentMessage()
    set_q(tab, 1e-10)
    window.playback.speed.setValue(20.0)
    click(qtbot, tab, "animate_q")
    assert tab.playing and tab.findChild(QPushButton, "animate_q").text() == "Stop"
    assert window.playback.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: not tab.playing, timeout=10000)
    assert tab.params.q == 1e-12
    assert tab.findChild(QPushButton, "animate_q").text() == "Animate q → 0"
    qtbot.keyClick(window, Qt.Key.Key_Space)          # nothing left to shrink
    assert not tab.playing and "Reset" in window.statusBar().currentMessage()
    click(qtbot, tab, "reset")
    assert (tab.params.q, tab.params.x) == (1.0, 1.0)
    assert label(tab, "equation") == "(d(2.00) − d(1.00)) / 1.00 = (5.00 − 2.00) / 1.00 = 3.00"


def test_dragging_the_point_along_the_curve_moves_x(window, qtbot):
    tab = slope_tab(window)
    drag_on_plot(qtbot, tab.plot, (1.0, 2.0), (2.0, 3.0))
    assert tab.params.x == 2.0
    assert tab.findChild(QDoubleSpinBox, "x").value() == 2.0
    # Only x followed the mouse: the point sits on the curve, at (2, d(2)) = (2, 5).
    assert (tab.plot.point.pos().x(), tab.plot.point.pos().y()) == (2.0, 5.0)
    assert label(tab, "equation") == "(d(2.50) − d(2.00)) / 0.50 = (7.25 − 5.00) / 0.50 = 4.50"
    assert label(tab, "exact_slope") == "d′(2.00) = 4.00"
    assert tab.derivative_plot.x_line.value() == 2.0
    assert table_rows(tab)[0][2] == "4"


def test_clicking_the_plot_moves_x(window, qtbot):
    tab = slope_tab(window)
    click_plot_at(qtbot, tab.plot, -1.5, 8.0)
    assert tab.params.x == -1.5
    assert label(tab, "equation") == (
        "(d(−1.00) − d(−1.50)) / 0.50 = (2.00 − 3.25) / 0.50 = −2.50")
    assert line_slope(tab, "secant") == pytest.approx(-2.5, rel=1e-12)
    assert table_rows(tab)[0] == ("1.00", "−2", "−3", "1")


def test_a_typing_mistake_is_explained_and_the_last_good_function_stays(window, qtbot):
    tab = slope_tab(window)
    field = tab.findChild(QLineEdit, "function_text")
    field.clear()
    qtbot.keyClicks(field, "x^2 +")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    error = tab.findChild(QLabel, "function_error")
    assert error.isVisibleTo(tab)
    assert "still uses d(x) = x² + 1" in error.text()
    assert tab.curve.text == "x^2 + 1" and tab.params.function == "x^2 + 1"
    assert label(tab, "equation") == "(d(1.50) − d(1.00)) / 0.50 = (3.25 − 2.00) / 0.50 = 2.50"

    field.clear()
    qtbot.keyClicks(field, "x^3")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert not error.isVisibleTo(tab)
    assert label(tab, "function_heading") == "d(x) = x³"
    assert label(tab, "derivative_heading").startswith("d′(x) = 3x²")
    # (1.5³ − 1³) / 0.5 = (3.375 − 1) / 0.5 = 4.75
    assert label(tab, "equation") == "(d(1.50) − d(1.00)) / 0.50 = (3.38 − 1.00) / 0.50 = 4.75"
    assert label(tab, "exact_slope") == "d′(1.00) = 3.00"


def test_choosing_a_catalog_curve(window, qtbot):
    tab = slope_tab(window)
    combo = tab.findChild(QComboBox, "function_choice")
    index = combo.findData("steep_valley")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    assert tab.curve is CURVES["steep_valley"]
    assert label(tab, "exact_slope") == "d′(1.00) = 16.00"


# -- descend -----------------------------------------------------------------------------------


def test_descending_from_three_halves_x_each_step(window, qtbot):
    tab = start_walk(window, qtbot)
    info = tab.findChild(QLabel, "descent_info")
    assert "Start at x = 3" in info.text()
    for _ in range(3):
        click(qtbot, tab, "step")
    assert tab.params.x == 0.375
    assert "x = 0.75 − 0.25 · 1.5 = 0.375" in info.text()
    assert "Steps so far: 3" in info.text()
    assert window.statusBar().currentMessage() == "Step 3: x = 0.75 − 0.25 · 1.5 = 0.375"
    xs, _ = tab.plot.path_dots.getData()
    assert list(xs) == [3.0, 1.5, 0.75, 0.375]
    assert tab.plot.step_label.toPlainText() == "step −0.375"
    # The readouts follow the walker.
    assert label(tab, "exact_slope") == "d′(0.375) = 0.750000"
    assert tab.findChild(QDoubleSpinBox, "x").value() == 0.375
    click(qtbot, tab, "reset")
    assert tab.params.x == 3.0 and tab.walker.steps == 0


def test_too_large_a_learning_rate_diverges_and_the_walk_stops_by_itself(window, qtbot):
    tab = start_walk(window, qtbot, learning_rate=1.5)
    window.playback.speed.setValue(20.0)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert tab.playing
    qtbot.waitUntil(lambda: not tab.playing, timeout=10000)
    assert tab.walker.diverged and tab.walker.steps == 5 and tab.params.x == -96.0
    info = tab.findChild(QLabel, "descent_info").text()
    assert "It diverges" in info and "the learning rate is too large" in info
    assert "try a smaller one" in window.statusBar().currentMessage()
    assert window.playback.play_button.text() == "Play"
    # A smaller rate starts the walk again from the same place.
    tab.findChild(QDoubleSpinBox, "learning_rate").setValue(0.5)
    assert tab.walker.steps == 0 and tab.params.x == 3.0
    click(qtbot, tab, "step")
    assert tab.walker.converged and tab.params.x == 0.0
    assert "Converged" in tab.findChild(QLabel, "descent_info").text()


def test_an_overshoot_is_said_in_words(window, qtbot):
    tab = start_walk(window, qtbot, learning_rate=0.75)
    click(qtbot, tab, "step")
    info = tab.findChild(QLabel, "descent_info").text()
    assert "x = 3 − 0.75 · 6 = −1.5" in info
    assert "Jumped over the minimum" in info and "the slope changed sign" in info
    assert "Jumped over the minimum" in window.statusBar().currentMessage()


def test_the_walk_can_use_the_secant_slope(window, qtbot):
    tab = start_walk(window, qtbot)
    tab.findChild(QCheckBox, "use_secant").setChecked(True)
    click(qtbot, tab, "step")
    # slope = (d(3.5) − d(3)) / 0.5 = 6.5, so x = 3 − 0.25 · 6.5 = 1.375
    assert tab.params.x == 1.375
    assert "x = 3 − 0.25 · 6.5 = 1.375" in tab.findChild(QLabel, "descent_info").text()
    assert line_slope(tab, "secant") == pytest.approx(2 * 1.375 + 0.5, rel=1e-12)


def test_comparing_with_hot_and_cold_from_the_same_start(window, qtbot):
    tab = start_walk(window, qtbot)
    click(qtbot, tab, "step")
    click(qtbot, tab, "compare_hot_cold")
    text = tab.findChild(QLabel, "comparison").text()
    plain = hot_cold.moves_needed(PARABOLA.f, 3.0, 1.0)
    assert plain == 6
    assert f"<b>{plain} moves</b>" in text
    assert "From x = 3:" in text and "<b>29 steps</b>" in text
    halving = hot_cold.HotColdGame(PARABOLA.f, 3.0, 1.0, halve_when_stuck=True,
                                   smallest_step=1e-8)
    assert f"<b>{len(halving.run())} moves</b>" in text
    # The walk on screen is not disturbed by the comparison.
    assert tab.walker.steps == 1 and tab.params.x == 1.5


# -- predict -----------------------------------------------------------------------------------


def test_guess_then_reveal_shows_the_error(window, qtbot):
    tab = slope_tab(window)
    click(qtbot, tab, "mode_predict")
    tangent_line, tangent_label = tab.plot.lines["tangent"]
    assert not tangent_label.isVisible()
    assert label(tab, "exact_slope") == "d′(1.00) = ?"
    assert not tab.derivative_plot.curve.isVisible()
    tab.guess.setValue(2.5)
    assert tab.params.guess == 2.5
    assert line_slope(tab, "guess") == pytest.approx(2.5, rel=1e-12)
    click(qtbot, tab, "reveal_slope")
    text = label(tab, "prediction")
    assert "True slope: <b style='color:#1b9e77'>2.00</b>" in text
    assert "Your guess: <b style='color:#7b2d8b'>2.50</b>" in text
    assert "Off by <b>0.50</b> (25% of the true slope)" in text
    assert tangent_label.isVisible() and line_slope(tab, "tangent") == pytest.approx(2.0)
    assert tab.derivative_plot.curve.isVisible()

    click(qtbot, tab, "new_point")
    expected = slope.practice_x(PARABOLA.bounds, 1, seed=PRACTICE_SEED)
    assert tab.params.x == expected == 1.2
    assert tab.params.guess == 0.0 and tab.guess.value() == 0.0 and not tab.revealed
    assert not tangent_label.isVisible()


def test_dragging_the_handle_tilts_the_guess(window, qtbot):
    tab = slope_tab(window)
    click(qtbot, tab, "mode_predict")
    handle = tab.plot.guess_handle
    assert handle.isVisible()
    start = (handle.pos().x(), handle.pos().y())
    assert start[1] == 2.0                       # a flat guess through (1, 2)
    drag_on_plot(qtbot, tab.plot, start, (start[0], 2.0 + 3.0 * (start[0] - 1.0)))
    assert tab.params.guess == 3.0               # dragging guesses in tenths
    assert tab.guess.value() == 3.0
    assert line_slope(tab, "guess") == pytest.approx(3.0, rel=1e-12)
    click(qtbot, tab, "reveal_slope")
    assert "Off by <b>1.00</b> (50% of the true slope)" in label(tab, "prediction")


# -- the contract ------------------------------------------------------------------------------


def test_every_slope_control_has_a_name_in_every_mode(window, qtbot):
    tab = slope_tab(window)
    kinds = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QAbstractSlider)
    for mode in ("explore", "descend", "predict"):
        click(qtbot, tab, f"mode_{mode}")
        controls = [w for kind in kinds for w in tab.findChildren(kind)
                    if w.isVisibleTo(tab) and not w.objectName().startswith("qt_")
                    and "Labeled" not in type(w.parent()).__name__]
        assert len(controls) >= 9, mode
        assert [w for w in controls if not w.objectName() or not w.accessibleName()] == []


def test_state_round_trip_moves_the_controls(window, qtbot):
    tab = slope_tab(window)
    state = {"function": "(x - 1)^2", "x": 2.5, "q": 0.25, "mode": "explore",
             "learning_rate": 0.1, "use_secant": True, "show_tangent": False,
             "start": 2.5, "descent_steps": 0, "guess": 0.0}
    tab.restore(state)
    assert tab.state() == state
    assert tab.findChild(QDoubleSpinBox, "x").value() == 2.5
    assert slope.Q_NOTCHES[tab.findChild(QSlider, "q").value()] == 0.25
    assert tab.findChild(QDoubleSpinBox, "learning_rate").value() == 0.1
    assert tab.findChild(QCheckBox, "use_secant").isChecked()
    assert not tab.findChild(QCheckBox, "show_tangent").isChecked()
    assert tab.findChild(QLineEdit, "function_text").text() == "(x - 1)^2"
    assert label(tab, "equation") == (
        "(d(2.75) − d(2.50)) / 0.25 = (3.062500 − 2.250000) / 0.25 = 3.250000")

    walking = state | {"mode": "descend", "x": 3.0, "start": 3.0, "learning_rate": 0.25,
                       "use_secant": False, "descent_steps": 2}
    tab.restore(walking)
    assert tab.findChild(QPushButton, "mode_descend").isChecked()
    # d′(x) = 2(x − 1): x = 3 − 0.25 · 4 = 2, then 2 − 0.25 · 2 = 1.5.
    assert tab.walker.steps == 2 and tab.params.x == 1.5
    assert tab.state() == walking | {"x": 1.5}
    tab.restore(tab.state())
    assert tab.state() == walking | {"x": 1.5}
    assert "x = 2 − 0.25 · 2 = 1.5" in label(tab, "descent_info")


def test_restore_refuses_a_bad_state_and_changes_nothing(window):
    tab = slope_tab(window)
    before = tab.state()
    with pytest.raises(ExpressionError):
        tab.restore(before | {"function": "x^2 +", "x": 2.0})
    for bad in ({"mode": "dance"}, {"q": 0.0}, {"learning_rate": 10.0}, {"x": "three"},
                {"descent_steps": -1}):
        with pytest.raises(ValueError):
            tab.restore(before | bad)
    assert tab.state() == before
    assert label(tab, "equation") == "(d(1.50) − d(1.00)) / 0.50 = (3.25 − 2.00) / 0.50 = 2.50"


def test_the_slope_tab_is_listed_and_its_timer_runs_only_while_visible(window, qtbot):
    assert [page.key for page in window.tab_pages][:2] == ["hot", "slope"]
    tab = slope_tab(window)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Slope explorer"
    tab.play()
    assert tab.timer_active
    window.show_tab("hot")
    assert tab.playing and not tab.timer_active
    window.show_tab("slope")
    assert tab.timer_active
    tab.pause()
    assert not tab.timer_active


def test_a_walk_into_undefined_ground_is_reported(window, qtbot):
    tab = slope_tab(window)
    assert tab.set_function("log(x)")
    tab.findChild(QDoubleSpinBox, "x").setValue(0.5)
    click(qtbot, tab, "mode_descend")
    tab.findChild(QDoubleSpinBox, "learning_rate").setValue(1.0)
    click(qtbot, tab, "step")
    info = tab.findChild(QLabel, "descent_info").text()
    assert "Stopped" in info and "not defined" in info
    assert re.search(r"x = 0\.5 − 1 · 2 = −1\.5", info)
    assert not tab.can_play()


def test_a_walk_from_where_d_overflows_is_drawn_without_errors(window, qtbot):
    tab = slope_tab(window)
    assert tab.set_function("exp(x)")
    tab.findChild(QDoubleSpinBox, "x").setValue(1000.0)  # exp(1000) is too big for a float
    click(qtbot, tab, "mode_descend")
    tab.plot.repaint()
    xs, ys = tab.plot.path_dots.getData()
    assert all(math.isfinite(v) for v in (*xs, *ys))
