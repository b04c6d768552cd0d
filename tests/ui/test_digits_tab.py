"""Driving the digits tab the way a student would: drawing, training, cancelling."""

import re

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListView,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

from desktop_app.ui.digits_pad import DrawPad
from tests.model.test_digits import STROKES
from tests.ui.widgets import find

LEFT = Qt.MouseButton.LeftButton
TEST_SIZE = 359


def digits_tab(window):
    window.show_tab("digits")
    return window.tab_by_key("digits")


def click(qtbot, tab, name):
    button = find(tab, QPushButton, name)
    assert button.isVisible() and button.isEnabled(), name
    qtbot.mouseClick(button, LEFT)


def draw(qtbot, pad, points, release=True):
    """Press at the first point (pad units), move through the others, release."""
    where = [pad.to_widget(p).toPoint() for p in points]
    qtbot.mousePress(pad, LEFT, pos=where[0])
    for p in where[1:]:
        qtbot.mouseMove(pad, p)
    if release:
        qtbot.mouseRelease(pad, LEFT, pos=where[-1])


def line(a, b, steps=8):
    return [(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
            for t in np.linspace(0.0, 1.0, steps)]


def in_box(strokes, x0=0.2, y0=0.12, side=0.7):
    return [[(x0 + side * x, y0 + side * y) for x, y in stroke] for stroke in strokes]


def heights(tab):
    return tab.probability_plot.heights


def percent(text):
    match = re.search(r"(\d+(?:\.\d+)?)%", text)
    assert match, text
    return float(match.group(1))


def train_to_the_end(qtbot, tab):
    click(qtbot, tab, "train")
    assert tab.playing
    qtbot.waitUntil(lambda: not tab.playing, timeout=30000)


# -- drawing ---------------------------------------------------------------------------------


def test_drawing_with_the_mouse_shows_what_the_network_reads(window, qtbot):
    tab = digits_tab(window)
    pad = find(tab, DrawPad, "draw_pad")
    assert pad.is_empty and not tab.network_view.values.any()
    assert not heights(tab).any()
    draw(qtbot, pad, line((0.3, 0.2), (0.7, 0.2)) + line((0.7, 0.2), (0.45, 0.85))[1:])
    assert len(pad.strokes) == 1 and len(pad.strokes[0]) > 10
    view = tab.network_view.values
    assert view.shape == (8, 8) and view.any() and view.max() <= 16
    p = heights(tab)
    assert p.sum() == pytest.approx(1.0) and (p >= 0).all()
    # The pad's own picture has ink where the stroke went.
    image = pad.canvas()
    middle = pad.to_widget((0.5, 0.2)) - pad.paper_rect().topLeft()
    scale = image.width() / pad.paper_rect().width()
    assert image.pixelColor(int(middle.x() * scale), int(middle.y() * scale)).value() < 80
    corner = image.pixelColor(int(0.05 * image.width()), int(0.95 * image.height()))
    assert corner.value() == 255


def test_probabilities_update_while_a_stroke_is_drawn(window, qtbot):
    tab = digits_tab(window)
    pad = tab.pad
    draw(qtbot, pad, line((0.5, 0.1), (0.5, 0.9)), release=False)
    qtbot.waitUntil(lambda: heights(tab).sum() == pytest.approx(1.0))
    assert pad.drawing
    first = heights(tab)
    # Go on with the same stroke, without lifting the mouse: a different shape.
    for p in line((0.5, 0.9), (0.9, 0.9))[1:] + line((0.9, 0.9), (0.9, 0.1))[1:]:
        qtbot.mouseMove(pad, pad.to_widget(p).toPoint())
    qtbot.waitUntil(lambda: not np.allclose(heights(tab), first))
    assert heights(tab).sum() == pytest.approx(1.0)
    qtbot.mouseRelease(pad, LEFT, pos=pad.to_widget((0.9, 0.1)).toPoint())
    assert not pad.drawing and len(pad.strokes) == 1


def test_undo_removes_the_last_stroke_and_clear_everything(window, qtbot):
    tab = digits_tab(window)
    pad = tab.pad
    draw(qtbot, pad, line((0.5, 0.1), (0.5, 0.9)))
    one_stroke = tab.network_view.values
    p_one = heights(tab)
    draw(qtbot, pad, line((0.2, 0.5), (0.8, 0.5)))
    assert len(pad.strokes) == 2
    assert not np.array_equal(tab.network_view.values, one_stroke)
    click(qtbot, tab, "undo")
    assert len(pad.strokes) == 1
    assert np.array_equal(tab.network_view.values, one_stroke)
    assert np.allclose(heights(tab), p_one)
    # Ctrl+Z is Undo too.
    draw(qtbot, pad, line((0.2, 0.5), (0.8, 0.5)))
    QTest.keyClick(pad, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(pad.strokes) == 1
    click(qtbot, tab, "clear")
    assert pad.is_empty
    assert not tab.network_view.values.any() and not heights(tab).any()
    assert "Draw a digit" in find(tab, QLabel, "guess").text()
    click(qtbot, tab, "undo")  # nothing left to undo: nothing happens
    assert pad.is_empty


def test_a_finger_draws_on_the_pad(window, qtbot):
    tab = digits_tab(window)
    pad = tab.pad
    device = QTest.createTouchDevice()
    points = [pad.to_widget(p).toPoint() for p in line((0.3, 0.3), (0.7, 0.8))]
    QTest.touchEvent(pad, device).press(0, points[0], pad).commit()
    assert pad.input_device == "touch"
    for p in points[1:]:
        QTest.touchEvent(pad, device).move(0, p, pad).commit()
    QTest.touchEvent(pad, device).release(0, points[-1], pad).commit()
    assert pad.input_device is None
    QApplication.processEvents()
    assert len(pad.strokes) == 1 and len(pad.strokes[0]) >= len(points) - 1
    assert not pad.drawing
    assert tab.network_view.values.any()


def test_touches_the_pad_does_not_handle_still_draw_as_the_mouse_qt_makes_of_them(
        window, qtbot):
    tab = digits_tab(window)
    pad = tab.pad
    pad.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, False)
    device = QTest.createTouchDevice()
    points = [pad.to_widget(p).toPoint() for p in line((0.2, 0.5), (0.8, 0.5))]
    QTest.touchEvent(pad, device).press(1, points[0], pad).commit()
    QApplication.processEvents()
    assert pad.input_device == "mouse"
    for p in points[1:]:
        QTest.touchEvent(pad, device).move(1, p, pad).commit()
    QTest.touchEvent(pad, device).release(1, points[-1], pad).commit()
    QApplication.processEvents()
    assert len(pad.strokes) == 1 and len(pad.strokes[0]) >= 2
    assert tab.network_view.values.any()


def _pen_event(kind, pad, point, device):
    position = QPointF(pad.to_widget(point))
    buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.TabletRelease else LEFT
    return QTabletEvent(kind, device, position, QPointF(pad.mapToGlobal(position)), 0.5,
                        0.0, 0.0, 0.0, 0.0, 0.0, Qt.KeyboardModifier.NoModifier, LEFT,
                        buttons)


def test_a_pen_draws_on_the_pad_and_its_mouse_echo_is_not_drawn_twice(window, qtbot):
    tab = digits_tab(window)
    pad = tab.pad
    device = QPointingDevice("test pen", 4242, QInputDevice.DeviceType.Stylus,
                             QPointingDevice.PointerType.Pen,
                             QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
                             1, 2)
    points = line((0.3, 0.2), (0.6, 0.9))
    QApplication.sendEvent(pad, _pen_event(QEvent.Type.TabletPress, pad, points[0], device))
    assert pad.input_device == "tablet"
    for p in points[1:4]:
        QApplication.sendEvent(pad, _pen_event(QEvent.Type.TabletMove, pad, p, device))
    # A platform that also sends mouse events for the pen: they must not start a stroke.
    qtbot.mousePress(pad, LEFT, pos=pad.to_widget((0.9, 0.9)).toPoint())
    qtbot.mouseRelease(pad, LEFT, pos=pad.to_widget((0.9, 0.9)).toPoint())
    for p in points[4:]:
        QApplication.sendEvent(pad, _pen_event(QEvent.Type.TabletMove, pad, p, device))
    QApplication.sendEvent(pad, _pen_event(QEvent.Type.TabletRelease, pad, points[-1], device))
    assert len(pad.strokes) == 1
    xs = [x for x, _ in pad.strokes[0]]
    assert max(xs) < 0.65  # the mouse echo at x = 0.9 was not drawn
    assert tab.network_view.values.any()


# -- training ---------------------------------------------------------------------------------


def test_train_moves_the_progress_and_cancel_stops_it(window, qtbot):
    tab = digits_tab(window)
    progress = find(tab, QProgressBar, "progress")
    find(tab, QSpinBox, "epochs").setValue(1000)  # far more than the test will wait for
    assert not find(tab, QPushButton, "cancel").isEnabled()
    click(qtbot, tab, "train")
    assert tab.playing and tab.timer_active
    qtbot.waitUntil(lambda: tab.lab.epoch >= 3 and progress.value() > 0, timeout=20000)
    assert progress.format() .endswith("of 1000")
    click(qtbot, tab, "cancel")
    assert not tab.playing and not tab.timer_active
    stopped = tab.lab.epoch
    assert 0 < progress.value() < 1000
    assert not find(tab, QPushButton, "cancel").isEnabled()
    qtbot.wait(300)  # the event loop runs; nothing trains
    assert tab.lab.epoch == stopped
    assert "Stopped at epoch" in find(tab, QLabel, "training_status").text()
    # Play carries on from where it stopped (no fresh network).
    weights = tab.lab.net.flat.copy()
    window.playback.play_button.click()
    qtbot.waitUntil(lambda: tab.lab.epoch > stopped, timeout=20000)
    window.playback.play_button.click()
    assert not tab.playing
    assert not np.array_equal(tab.lab.net.flat, weights)
    assert tab.lab.target == 1000


def test_default_training_reads_95_percent_of_the_held_out_digits(window, qtbot):
    tab = digits_tab(window)
    assert percent(find(tab, QLabel, "accuracy").text()) < 30
    train_to_the_end(qtbot, tab)
    assert tab.lab.epoch == 40
    assert find(tab, QProgressBar, "progress").value() == 1000
    accuracy = percent(find(tab, QLabel, "accuracy").text())
    assert accuracy >= 95.0
    assert accuracy == pytest.approx(100 * tab.lab.test_accuracy(), abs=0.05)

    counts = tab.confusion_plot.counts
    assert counts.sum() == TEST_SIZE and np.array_equal(counts, tab.lab.confusion())
    right = int(np.trace(counts))
    assert right / TEST_SIZE == pytest.approx(accuracy / 100, abs=5e-4)
    texts = [t.toPlainText() for t in tab.confusion_plot.texts]
    assert texts[0] == str(counts[0, 0])

    gallery = find(tab, QListView, "mistakes")
    assert gallery.count() == TEST_SIZE - right == len(tab.lab.mistakes()) > 0
    for row in range(gallery.count()):
        match = re.fullmatch(r"true (\d), guessed (\d)", gallery.text(row))
        assert match and match.group(1) != match.group(2)
        true, guessed = int(match.group(1)), int(match.group(2))
        assert counts[true, guessed] >= 1
    assert f"{gallery.count()} of {TEST_SIZE}" in tab.mistakes_box.title()
    assert tab.first_layer_plot.tile_count == 32

    # And the drawn example digits are (mostly) read right.
    right_drawn = 0
    for digit, strokes in STROKES.items():
        tab.pad.set_strokes(in_box(strokes))
        qtbot.waitUntil(lambda: heights(tab).sum() == pytest.approx(1.0))
        tab._read_drawing_now()
        right_drawn += int(np.argmax(heights(tab)) == digit)
    assert right_drawn >= 8
    assert "reads" in find(tab, QLabel, "guess").text()

    # Play on a finished run goes on training the same network for another run.
    window.playback.play_button.click()
    assert tab.playing and tab.lab.target == 80
    qtbot.waitUntil(lambda: tab.lab.epoch > 40, timeout=20000)
    window.playback.play_button.click()
    assert not tab.playing
    assert find(tab, QProgressBar, "progress").format().endswith("of 80")


def test_step_trains_one_epoch_and_reset_forgets(window, qtbot):
    tab = digits_tab(window)
    before = tab.lab.net.flat.copy()
    window.playback.step_button.click()
    assert tab.lab.epoch == 1 and not tab.playing
    assert find(tab, QProgressBar, "progress").format() == "epoch 1 of 40"
    assert percent(find(tab, QLabel, "accuracy").text()) > 50
    window.playback.reset_button.click()
    assert tab.lab.epoch == 0 and np.array_equal(tab.lab.net.flat, before)
    assert find(tab, QProgressBar, "progress").value() == 0


def test_training_pauses_while_the_tab_is_hidden(window, qtbot):
    tab = digits_tab(window)
    find(tab, QSpinBox, "epochs").setValue(1000)
    click(qtbot, tab, "train")
    qtbot.waitUntil(lambda: tab.lab.epoch >= 1, timeout=20000)
    window.show_tab("hot")
    assert tab.playing and not tab.timer_active
    epoch = tab.lab.epoch
    qtbot.wait(200)
    assert tab.lab.epoch == epoch
    window.show_tab("digits")
    assert tab.timer_active
    qtbot.waitUntil(lambda: tab.lab.epoch > epoch, timeout=20000)
    tab.pause()


# -- the network's settings ---------------------------------------------------------------------


def test_hidden_layers_are_typed(window, qtbot):
    tab = digits_tab(window)
    field = find(tab, QLineEdit, "hidden_layers")
    assert field.text() == "32"
    field.setText("16, 8")
    field.editingFinished.emit()
    assert tab.settings.hidden == (16, 8)
    assert tab.lab.layer_sizes == (64, 16, 8, 10)  # untrained: the new shape at once
    assert "64 → 16 → 8 → 10" in find(tab, QLabel, "network_shape").text()
    assert tab.first_layer_plot.tile_count == 16
    field.setText("sixteen")
    field.editingFinished.emit()
    error = find(tab, QLabel, "hidden_layers_error")
    assert error.isVisibleTo(tab) and "not a whole number" in error.text()
    assert tab.settings.hidden == (16, 8)
    field.setText("")
    field.editingFinished.emit()
    assert not error.isVisibleTo(tab)
    assert tab.lab.layer_sizes == (64, 10) and tab.first_layer_plot.tile_count == 10
    assert not find(tab, QComboBox, "activation").isEnabled()


def test_settings_change_a_trained_network_only_at_the_next_train(window, qtbot):
    tab = digits_tab(window)
    window.playback.step_button.click()
    trained = tab.lab.net.flat.copy()
    combo = find(tab, QComboBox, "activation")
    combo.setCurrentIndex(combo.findData("relu"))
    combo.activated.emit(combo.currentIndex())
    find(tab, QSpinBox, "epochs").setValue(3)
    assert tab.settings.activation == "relu" and tab.settings.epochs == 3
    assert np.array_equal(tab.lab.net.flat, trained)
    train_to_the_end(qtbot, tab)
    assert tab.lab.net.activations == ("relu", "linear") and tab.lab.epoch == 3


def test_state_restores_the_settings_and_the_trained_weights(window, qtbot):
    tab = digits_tab(window)
    tab.lab.train_epochs(3)
    state = tab.state()
    accuracy = tab.lab.test_accuracy()
    tab.reset()
    find(tab, QLineEdit, "hidden_layers").setText("8")
    find(tab, QLineEdit, "hidden_layers").editingFinished.emit()
    tab.restore(state)
    assert tab.lab.test_accuracy() == accuracy and tab.lab.epoch == 3
    assert find(tab, QLineEdit, "hidden_layers").text() == "32"
    assert percent(find(tab, QLabel, "accuracy").text()) == pytest.approx(100 * accuracy,
                                                                        abs=0.05)
    with pytest.raises(ValueError):
        tab.restore({"network": {"layer_sizes": [64, 10], "weights": [1.0]}})
    assert tab.lab.test_accuracy() == accuracy


def test_a_scenario_file_keeps_the_trained_network(window, qtbot, tmp_path):
    tab = digits_tab(window)
    tab.lab.train_epochs(2)
    weights = tab.lab.net.flat.copy()
    path = tmp_path / "digits.json"
    window.save_scenario(path)
    tab.reset()
    assert not np.array_equal(tab.lab.net.flat, weights)
    window.load_scenario(path)
    assert np.array_equal(tab.lab.net.flat, weights) and tab.lab.epoch == 2
    assert find(tab, QProgressBar, "progress").format() == "epoch 2 of 40"


def test_every_control_of_the_tab_has_a_name_and_an_accessible_name(window):
    tab = digits_tab(window)
    kinds = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QAbstractSlider,
             QProgressBar, QListView, DrawPad)
    controls = [w for kind in kinds for w in tab.findChildren(kind)
                if w.isVisibleTo(tab) and not w.objectName().startswith("qt_")
                and "Labeled" not in type(w.parent()).__name__]
    assert len(controls) > 12
    assert [w for w in controls if not w.objectName()] == []
    assert [w.objectName() for w in controls if not w.accessibleName()] == []
    names = {w.objectName() for w in controls}
    assert {"train", "cancel", "progress", "undo", "clear", "draw_pad", "mistakes"} <= names
    for name in ("accuracy", "probabilities", "network_view", "confusion", "first_layer"):
        widget = tab.findChild(QWidget, name)
        assert widget is not None and widget.isVisibleTo(tab), name
        assert widget.accessibleName(), name
