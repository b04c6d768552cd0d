"""Driving the surface descent tab as a student would (offscreen: the top view stands in for 3-D).

The OpenGL side (the 3-D view itself) is checked in tests/gl/ in a child process on Xvfb.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QTableWidget,
    QTextEdit,
)

from desktop_app.model.expression import ExpressionError
from desktop_app.model.functions import SURFACES
from desktop_app.model.optimizers import OPTIMIZER_NAMES
from desktop_app.model.surface_race import notch_from_lr
from desktop_app.ui.text_format import number


def surface_tab(window):
    window.show_tab("surface")
    return window.tab_by_key("surface")


def child(tab, kind, name):
    widget = tab.findChild(kind, name)
    assert widget is not None, name
    return widget


def click(qtbot, window, name):
    button = window.findChild(QPushButton, name)
    assert button is not None, name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def only(tab, qtbot, *names):
    """Switch on exactly these optimizers, by clicking their check boxes."""
    for name in OPTIMIZER_NAMES:
        box = child(tab, QCheckBox, f"opt_{name}")
        if box.isChecked() != (name in names):
            qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert tuple(tab.model.race.descents) == tuple(n for n in OPTIMIZER_NAMES if n in names)


def set_lr(tab, name, lr):
    slider = child(tab, QSlider, f"lr_{name}")
    slider.setValue(notch_from_lr(lr))
    assert tab.settings.hyper[name]["lr"] == lr


def set_start(tab, x, y):
    child(tab, QDoubleSpinBox, "start_x").setValue(x)
    child(tab, QDoubleSpinBox, "start_y").setValue(y)
    assert tab.model.start == (x, y)


def table_rows(tab):
    table = child(tab, QTableWidget, "walkers")
    return [tuple(table.item(r, c).text() for c in range(table.columnCount()))
            for r in range(table.rowCount())]


def view_point_to_widget(plot, x, y):
    scene_point = plot.getPlotItem().getViewBox().mapViewToScene(QPointF(x, y))
    return plot.mapFromScene(scene_point)


def test_without_opengl_the_top_view_and_a_one_line_notice_replace_the_3d_view(window, qtbot):
    tab = surface_tab(window)
    assert tab.isVisible()
    notice = child(tab, QLabel, "gl_notice")
    assert notice.isVisible() and "\n" not in notice.text()
    assert "3-D" in notice.text() and "top view" in notice.text()
    assert tab.gl_state == "unavailable" and tab.view3d is None
    assert not tab.gl_holder.isVisible()
    assert tab.top.isVisible() and tab.top.width() > 300
    # The fallback never even imports the OpenGL modules.
    assert "pyqtgraph.opengl" not in sys.modules
    # Everything else still works.
    click(qtbot, window, "step")
    assert all(d.steps == 1 for d in tab.model.race.descents.values())
    assert all(tab.top.paths[name].isVisible() for name in tab.model.race.descents)


def test_opengl_is_not_imported_at_start_up():
    # A fresh process: other tests may have imported all sorts of modules in this one.
    code = (
        "import sys\n"
        "from desktop_app.app import application, build_window\n"
        "from PySide6.QtCore import QSettings\n"
        "application(); QSettings().clear()\n"
        "w = build_window([])\n"
        "print(w.current_tab().key, 'pyqtgraph.opengl' in sys.modules, 'OpenGL' in sys.modules)\n"
        "w.show(); w.tab_by_key('hot').step()\n"
        "print('pyqtgraph.opengl' in sys.modules)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split()
    assert lines == ["hot", "False", "False", "False"]


def test_step_moves_every_enabled_walker(window, qtbot):
    tab = surface_tab(window)
    start = tab.model.start
    click(qtbot, window, "step")
    descents = tab.model.race.descents
    assert list(descents) == ["gd", "momentum", "adam"]
    for name, descent in descents.items():
        assert descent.steps == 1 and descent.point != start
        ball_x, ball_y = tab.top.balls[name].getData()
        assert (ball_x[0], ball_y[0]) == pytest.approx(descent.point)
        assert tab.top.paths[name].isVisible()
    assert [row[:2] for row in table_rows(tab)] == [("GD", "1"), ("Momentum", "1"),
                                                    ("Adam", "1")]
    assert not tab.top.paths["nesterov"].isVisible()


def test_the_first_gd_step_is_worked_out_with_the_hand_computation(window, qtbot):
    tab = surface_tab(window)
    only(tab, qtbot, "gd")
    set_lr(tab, "gd", 0.1)
    set_start(tab, 1.5, -1.0)
    narration = child(tab, QTextEdit, "narration")
    assert "p ← p − lr · g" in narration.toPlainText()  # before a step: the rule
    click(qtbot, window, "step")
    # By hand: f = x² + y², ∂f/∂x = 2x, ∂f/∂y = 2y, so x_new = x − lr·2x.
    x, y, lr = 1.5, -1.0, 0.1
    x_new, y_new = x - lr * 2 * x, y - lr * 2 * y
    assert (x_new, y_new) == pytest.approx((1.2, -0.8))
    text = narration.toPlainText()
    assert "step 1 from (1.5, −1):" in text
    assert "∂f/∂x = 3,  ∂f/∂y = −2" in text
    assert "x_new = x − lr · ∂f/∂x = 1.500 − 0.1 · 3.000 = 1.200" in text
    assert "y_new = y − lr · ∂f/∂y = −1.000 − 0.1 · (−2.000) = −0.800" in text
    assert tab.model.race.descents["gd"].point == pytest.approx((x_new, y_new))


def test_switching_optimizers_on_and_off(window, qtbot):
    tab = surface_tab(window)
    nesterov = child(tab, QCheckBox, "opt_nesterov")
    qtbot.mouseClick(nesterov, Qt.MouseButton.LeftButton)
    assert "nesterov" in tab.model.race.descents and len(table_rows(tab)) == 4
    click(qtbot, window, "step")
    assert tab.top.paths["nesterov"].isVisible()
    assert "Nesterov" in child(tab, QTextEdit, "narration").toPlainText()
    only(tab, qtbot, "adagrad", "rmsprop")
    assert [row[0] for row in table_rows(tab)] == ["AdaGrad", "RMSProp"]
    assert not tab.top.paths["gd"].isVisible()
    # Nothing switched on: no race, and Play says why.
    for name in ("adagrad", "rmsprop"):
        qtbot.mouseClick(child(tab, QCheckBox, f"opt_{name}"), Qt.MouseButton.LeftButton)
    assert tab.model.race is None and table_rows(tab) == []
    click(qtbot, window, "play")
    assert not tab.playing
    assert "at least one optimizer" in window.statusBar().currentMessage()


def test_a_typed_surface_mistake_is_explained_and_the_last_good_one_stays(window, qtbot):
    tab = surface_tab(window)
    field = child(tab, QLineEdit, "surface_text")
    error = child(tab, QLabel, "surface_error")
    field.clear()
    qtbot.keyClicks(field, "x^2 + ")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert error.isVisible() and "x² + y²" in error.text()
    assert tab.model.surface is SURFACES["bowl"]
    field.clear()
    qtbot.keyClicks(field, "(x - 1)^2 + 2(y + 1)^2")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert not error.isVisible()
    assert tab.model.surface.minima[0] == pytest.approx((1.0, -1.0), abs=1e-6)
    assert child(tab, QLabel, "surface_heading").text() == "f(x, y) = (x − 1)² + 2(y + 1)²"
    assert child(tab, QComboBox, "surface_choice").currentData() == "__typed__"
    click(qtbot, window, "step")
    assert tab.model.race.descents["gd"].steps == 1


def test_choosing_a_catalog_surface(window, qtbot):
    tab = surface_tab(window)
    combo = child(tab, QComboBox, "surface_choice")
    index = combo.findData("himmelblau")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    assert tab.model.surface is SURFACES["himmelblau"]
    assert child(tab, QLineEdit, "surface_text").text() == SURFACES["himmelblau"].text
    # The picture shows the new surface: its image holds f on the grid.
    image = tab.top.image.image
    assert image.shape == (100, 100)
    assert image.max() == pytest.approx(SURFACES["himmelblau"].grid(100)[2].max())


def test_clicking_the_top_view_sets_the_start(window, qtbot):
    tab = surface_tab(window)
    click(qtbot, window, "step")
    plot = tab.top
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton,
                     pos=view_point_to_widget(plot, 1.0, -1.5))
    assert tab.model.start == (1.0, -1.5)
    assert child(tab, QDoubleSpinBox, "start_x").value() == 1.0
    assert child(tab, QDoubleSpinBox, "start_y").value() == -1.5
    assert all(d.steps == 0 for d in tab.model.race.descents.values())
    start_x, start_y = tab.top.start.getData()
    assert (start_x[0], start_y[0]) == (1.0, -1.5)


def test_hovering_the_top_view_reads_the_height(window, qtbot):
    tab = surface_tab(window)
    hover = child(tab, QLabel, "hover_info")
    def marker_near_target():
        shown_x, _ = tab.top.hover.getData()
        return len(shown_x) == 1 and abs(shown_x[0] - 1.0) < 0.05

    # A plain move event (QTest.mouseMove goes through the cursor, whose screen position
    # the offscreen platform does not map back exactly).
    viewport = tab.top.viewport()
    local = QPointF(view_point_to_widget(tab.top, 1.0, 2.0))
    QApplication.sendEvent(viewport, QMouseEvent(
        QEvent.Type.MouseMove, local, viewport.mapToGlobal(local), Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))
    qtbot.waitUntil(marker_near_target)
    shown_x, shown_y = tab.top.hover.getData()
    x, y = float(shown_x[0]), float(shown_y[0])
    assert (x, y) == pytest.approx((1.0, 2.0), abs=0.05)
    assert hover.text() == (f"Mouse at x = {number(x, 3)}, y = {number(y, 3)}: "
                            f"f = {number(x * x + y * y, 4)}")
    tab.top.left.emit()
    assert "f =" not in hover.text() and len(tab.top.hover.getData()[0]) == 0


def test_the_gradient_label_shows_the_exact_partial_derivatives(window, qtbot):
    tab = surface_tab(window)
    combo = child(tab, QComboBox, "surface_choice")
    combo.setCurrentIndex(combo.findData("hills"))
    combo.activated.emit(combo.currentIndex())
    hills = SURFACES["hills"]
    label = child(tab, QLabel, "gradient_info")
    gx, gy = (float(v) for v in hills.grad(-2.0, 2.0))
    assert "At the start (−2, 2)" in label.text()
    assert f"∂f/∂x = {number(gx)}" in label.text() and f"∂f/∂y = {number(gy)}" in label.text()
    click(qtbot, window, "step")
    x, y = tab.model.race.descents["gd"].point
    gx, gy = (float(v) for v in hills.grad(x, y))
    assert "At GD's point" in label.text()
    assert f"∂f/∂x = {number(gx)}" in label.text() and f"∂f/∂y = {number(gy)}" in label.text()
    # The slices' tangents have exactly these slopes.
    tangent_x = tab.slices.along_x.tangent.getData()
    slope = (tangent_x[1][1] - tangent_x[1][0]) / (tangent_x[0][1] - tangent_x[0][0])
    assert slope == pytest.approx(gx)
    assert number(gx, 4) in child(tab, QLabel, "slice_x_info").text()
    assert number(gy, 4) in child(tab, QLabel, "slice_y_info").text()
    # And the −∇f arrow points the other way from the gradient.
    (x0, x1), (y0, y1) = tab.top.arrow_shaft.getData()
    assert (x1 - x0) * gx + (y1 - y0) * gy < 0


def test_a_converging_race_stops_by_itself(window, qtbot):
    tab = surface_tab(window)
    only(tab, qtbot, "gd")
    set_lr(tab, "gd", 0.1)
    window.playback.speed.setValue(20.0)
    click(qtbot, window, "play")
    assert tab.playing and tab.timer_active
    qtbot.waitUntil(lambda: not tab.playing, timeout=10000)
    gd = tab.model.race.descents["gd"]
    assert gd.converged and not tab.timer_active
    assert table_rows(tab)[0][3] == "converged ✓"
    assert "converged" in window.statusBar().currentMessage()
    assert window.playback.play_button.text() == "Play"
    assert "converged after" in child(tab, QTextEdit, "narration").toPlainText()
    # Play again does nothing but say why.
    click(qtbot, window, "play")
    assert not tab.playing and "Reset" in window.statusBar().currentMessage()


def test_a_diverging_race_stops_by_itself(window, qtbot):
    tab = surface_tab(window)
    only(tab, qtbot, "gd")
    set_lr(tab, "gd", 1.6)  # x_new = x − 1.6·2x = −2.2x: every step 2.2 times further out
    window.playback.speed.setValue(20.0)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not tab.playing, timeout=10000)
    gd = tab.model.race.descents["gd"]
    assert gd.diverged
    assert table_rows(tab)[0][3] == "diverged ✗"
    assert "diverged" in window.statusBar().currentMessage()
    # The drawn path stops at the edge of the picture.
    xs, ys = tab.top.paths["gd"].getData()
    assert max(abs(xs).max(), abs(ys).max()) <= 3.0 + 0.02 * 6.0 + 1e-9  # 2 % margin


def test_learning_rate_slider_and_spin_boxes_follow_the_model_both_ways(window, qtbot):
    tab = surface_tab(window)
    slider = child(tab, QSlider, "lr_adam")
    value = child(tab, QLabel, "lr_adam_value")
    slider.setValue(slider.value() - 20)  # one decade down
    assert tab.settings.hyper["adam"]["lr"] == 0.01 and value.text() == "0.01"
    hyper = {n: dict(v) for n, v in tab.settings.hyper.items()}
    hyper["adam"]["lr"] = 0.5
    hyper["momentum"]["momentum"] = 0.75
    tab.settings.hyper = hyper  # a change from the model side moves the controls
    assert slider.value() == notch_from_lr(0.5) and value.text() == "0.5"
    spin = child(tab, QDoubleSpinBox, "momentum_momentum")
    assert spin.value() == 0.75
    spin.setValue(0.5)
    assert tab.settings.hyper["momentum"]["momentum"] == 0.5
    assert tab.model.race.descents["momentum"].optimizer.momentum == 0.5


def test_nesterov_momentum_cannot_be_turned_down_to_zero(window, qtbot):
    tab = surface_tab(window)
    only(tab, qtbot, "nesterov")
    spin = child(tab, QDoubleSpinBox, "momentum_nesterov")
    spin.setValue(spin.minimum())  # Nesterov refuses 0: the lowest the box offers must work
    assert spin.minimum() > 0
    assert tab.model.race.descents["nesterov"].optimizer.momentum == spin.minimum()
    click(qtbot, window, "step")


def test_the_timer_runs_only_while_the_tab_is_shown_and_playing(window, qtbot):
    tab = surface_tab(window)
    tab.play()
    assert tab.timer_active
    window.show_tab("hot")
    assert tab.playing and not tab.timer_active
    window.show_tab("surface")
    assert tab.timer_active
    tab.pause()
    assert not tab.timer_active


def test_state_round_trip(window, qtbot):
    tab = surface_tab(window)
    combo = child(tab, QComboBox, "surface_choice")
    combo.setCurrentIndex(combo.findData("booth"))
    combo.activated.emit(combo.currentIndex())
    only(tab, qtbot, "nesterov", "adam")
    set_lr(tab, "nesterov", 0.02)
    child(tab, QDoubleSpinBox, "beta1_adam").setValue(0.8)
    set_start(tab, 4.0, 6.0)
    child(tab, QCheckBox, "speed_up").setChecked(False)
    saved = json.loads(json.dumps(tab.state()))
    assert "camera" not in saved  # no 3-D view here

    tab.restore({"surface": "x^2 + y^2", "start": [-2, 2],
                 "optimizers": {"gd": {"on": True}, "nesterov": {"on": False},
                                "adam": {"on": False}}, "speed_up": True})
    assert tab.model.surface is SURFACES["bowl"] and list(tab.model.race.descents) == ["gd"]
    tab.restore(saved)
    assert tab.state() == saved
    assert tab.model.surface is SURFACES["booth"]
    assert combo.currentData() == "booth"
    assert child(tab, QCheckBox, "opt_nesterov").isChecked()
    assert not child(tab, QCheckBox, "opt_gd").isChecked()
    assert child(tab, QDoubleSpinBox, "beta1_adam").value() == 0.8
    assert not child(tab, QCheckBox, "speed_up").isChecked()
    assert tab.model.start == (4.0, 6.0)

    # A camera from a machine with 3-D is kept for when a 3-D view exists.
    tab.restore({**saved, "camera": {"elevation": 40, "azimuth": 10, "distance": 20}})
    assert tab.state()["camera"] == {"elevation": 40.0, "azimuth": 10.0, "distance": 20.0}


@pytest.mark.parametrize("bad, error", [
    ({"surface": "x^^2"}, ExpressionError),
    ({"surface": "x^2", "optimizers": {"gd": {"lr": "fast"}}}, ValueError),
    ({"camera": {"elevation": "high", "azimuth": 0, "distance": 10}}, ValueError),
    ({"camera": {"elevation": 10, "azimuth": 0, "distance": -1}}, ValueError),
    ({"speed_up": "yes"}, ValueError),
])
def test_restoring_a_bad_state_raises_and_changes_nothing(window, qtbot, bad, error):
    tab = surface_tab(window)
    click(qtbot, window, "step")
    before = tab.state()
    steps = [d.steps for d in tab.model.race.descents.values()]
    with pytest.raises(error):
        tab.restore(bad)
    assert tab.state() == before
    assert [d.steps for d in tab.model.race.descents.values()] == steps
    assert child(tab, QLineEdit, "surface_text").text() == before["surface"]


def test_reset_brings_every_walker_back(window, qtbot):
    tab = surface_tab(window)
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key.Key_Right)
    assert all(d.steps == 3 for d in tab.model.race.descents.values())
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert all(d.steps == 0 for d in tab.model.race.descents.values())
    assert [row[1] for row in table_rows(tab)] == ["0", "0", "0"]


def test_every_control_of_the_tab_has_an_object_name_and_an_accessible_name(window, qtbot):
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractSlider,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
    )

    tab = surface_tab(window)
    for section in tab.optimizer_sections.values():
        section.expand(animate=False)
    kinds = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QAbstractSlider)
    controls = [w for kind in kinds for w in tab.findChildren(kind)
                if w.isVisibleTo(window) and not w.objectName().startswith("qt_")]
    assert len(controls) >= 28  # 6 × (switch, settings, lr) + 5 other settings + 5 more
    assert [w for w in controls if not w.objectName() or not w.accessibleName()] == []
    for name in OPTIMIZER_NAMES:
        assert child(tab, QSlider, f"lr_{name}").isVisibleTo(window)


def test_a_tick_at_high_speed_takes_several_steps_but_the_step_button_one(window, qtbot):
    tab = surface_tab(window)
    child(tab, QCheckBox, "speed_up").setChecked(False)
    window.playback.speed.setValue(20.0)
    tab._tick()  # what the timer calls
    assert [d.steps for d in tab.model.race.descents.values()] == [2, 2, 2]
    click(qtbot, window, "step")
    assert [d.steps for d in tab.model.race.descents.values()] == [3, 3, 3]
    child(tab, QCheckBox, "speed_up").setChecked(True)
    tab.model.step(200)
    before = tab.model.rounds
    tab._tick()
    assert tab.model.rounds - before > 2  # a long race speeds up


def test_a_start_where_the_typed_surface_is_undefined_is_explained(window, qtbot):
    tab = surface_tab(window)
    field = child(tab, QLineEdit, "surface_text")
    field.clear()
    qtbot.keyClicks(field, "log(x) + y^2")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert tab.model.race is None
    click(qtbot, window, "play")
    assert not tab.playing
    assert "no height or no slope at the start" in window.statusBar().currentMessage()
    assert "no height" in child(tab, QTextEdit, "narration").toPlainText()
    qtbot.mouseClick(tab.top.viewport(), Qt.MouseButton.LeftButton,
                     pos=view_point_to_widget(tab.top, 1.0, 1.0))
    assert tab.model.race is not None and tab.model.start == (1.0, 1.0)
    click(qtbot, window, "step")
    assert all(d.steps == 1 for d in tab.model.race.descents.values())


def test_text_skipped_while_playing_is_caught_up_on_pause(window, qtbot):
    tab = surface_tab(window)
    narration = child(tab, QTextEdit, "narration")
    label = child(tab, QLabel, "gradient_info")
    table = child(tab, QTableWidget, "walkers")
    tab.play()
    tab._tick()  # the first tick writes its text
    first = narration.toHtml()
    tab._tick()  # right after it: the pictures move, the words wait
    assert narration.toHtml() == first
    tab.pause()
    played = (narration.toHtml(), label.text(), table.item(0, 1).text())
    # Exactly what the same two steps made one at a time show.
    tab.reset()
    click(qtbot, window, "step")
    click(qtbot, window, "step")
    assert (narration.toHtml(), label.text(), table.item(0, 1).text()) == played
    assert table.item(0, 1).text() == "2"


def test_a_slice_keeps_its_height_range_while_the_curve_fits_in_it():
    from desktop_app.ui.surface_slices import stepped_range

    # 0.3 … 8.7, padded by 0.1 and with a fifth of 8.4 to spare: −1.78 … 10.78, in whole
    # units (a quarter of the span is about 3, so units of 1).
    first = stepped_range(0.3, 8.7, 0.1, None)
    assert first == (-2.0, 11.0)
    assert stepped_range(0.5, 8.0, 0.1, first) == first  # still inside, still filled
    assert stepped_range(-1.5, 10.5, 0.1, first) == first  # the room to spare is used
    moved = stepped_range(0.5, 12.5, 0.1, first)  # the curve left the range
    assert moved != first and moved[0] <= 0.4 - 2.4 and moved[1] >= 12.6 + 2.4
    shrunk = stepped_range(0.5, 1.0, 0.05, moved)  # it now fills too little of the range
    assert shrunk[0] <= 0.45 - 0.1 and 1.05 + 0.1 <= shrunk[1] < moved[1]
    assert stepped_range(-math.inf, 1.0, 1.0, None) == (-math.inf, 2.0)
