"""Driving the network builder the way a student would: buttons, menus, clicks, hovering."""

import math
import re

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGraphicsView,
    QLabel,
    QPushButton,
    QSlider,
    QTableWidget,
    QWidget,
)

from desktop_app.model import datasets, optimizers
from desktop_app.model.network import Network
from desktop_app.model.network_lab import TYPED
from desktop_app.ui.network_diagram import MAX_WIDTH
from desktop_app.ui.network_tab import BLEW_UP
from desktop_app.ui.text_format import number
from tests.ui.widgets import choose, find

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻−", "0123456789--")


def network_tab(window):
    window.show_tab("network")
    return window.tab_by_key("network")


def click(qtbot, tab, name, modifier=Qt.KeyboardModifier.NoModifier):
    button = find(tab.window(), QPushButton, name)
    assert button.isVisible() and button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, modifier)


def text(tab, name):
    return find(tab, QLabel, name).text()


def shown_number(written):
    """A number as the app writes it (2.2×10⁻¹⁶, −0.5) back to a float."""
    plain = written.translate(SUPERSCRIPTS)
    if "×10" in plain:
        mantissa, exponent = plain.split("×10")
        return float(mantissa) * 10.0 ** int(exponent)
    return float(plain)


def fast(window):
    window.playback.speed.setValue(20.0)  # 60 frames a second on this tab


def diagram_view(tab):
    return find(tab, QGraphicsView, "diagram")


def data_point(plot, x, y):
    scene_point = plot.getPlotItem().getViewBox().mapViewToScene(QPointF(x, y))
    return plot.mapFromScene(scene_point)


# -- the tab -------------------------------------------------------------------------------


def test_the_tab_is_in_the_window_with_its_title(window):
    tab = network_tab(window)
    assert tab is window.current_tab()
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Network builder"
    assert tab.lab.layer_sizes == (2, 4, 4, 1)
    for name in ("diagram", "data_plot", "loss_plot", "landscape", "collapse"):
        widget = find(tab, QWidget, name)
        assert widget.accessibleName(), name


def test_every_control_has_a_name_for_screen_readers(window):
    tab = network_tab(window)
    from PySide6.QtWidgets import QAbstractButton, QAbstractSlider, QAbstractSpinBox, QLineEdit

    named = 0
    for kind in (QAbstractButton, QComboBox, QAbstractSpinBox, QAbstractSlider, QLineEdit):
        for widget in tab.findChildren(kind):
            parent = widget.parent().objectName()
            if widget.objectName() in ("qt_spinbox_lineedit", "qt_tableview_cornerbutton") or \
                    parent.startswith("qt_scrollarea_"):
                continue  # Qt's own parts of a spin box, table or (always hidden) scroll bar
            assert widget.objectName() and widget.accessibleName(), (kind, widget.objectName())
            named += 1
    assert named > 40


# -- building the network -------------------------------------------------------------------


def test_adding_and_removing_layers_changes_network_and_diagram(qtbot, window):
    tab = network_tab(window)
    assert tab.diagram.neuron_count() == 2 + 4 + 4 + 1
    click(qtbot, tab, "add_layer")
    assert tab.lab.layer_sizes == (2, 4, 4, 4, 1)
    assert tab.diagram.neuron_count() == 15
    assert len(tab.diagram.edges) == 2 * 4 + 4 * 4 + 4 * 4 + 4
    assert find(tab, QComboBox, "activation_4").isVisible()
    assert find(tab, QPushButton, "add_neuron_3").isVisible()
    click(qtbot, tab, "remove_layer")
    click(qtbot, tab, "remove_layer")
    click(qtbot, tab, "remove_layer")
    assert tab.lab.layer_sizes == (2, 1)
    assert tab.diagram.neuron_count() == 3
    assert not find(tab, QPushButton, "remove_layer").isEnabled()
    assert not find(tab, QPushButton, "add_neuron_1").isVisible()
    for _ in range(6):
        click(qtbot, tab, "add_layer")
    assert tab.lab.layer_sizes == (2, 4, 4, 4, 4, 4, 4, 1)
    assert not find(tab, QPushButton, "add_layer").isEnabled()


def test_adding_and_removing_neurons_changes_one_layer(qtbot, window):
    tab = network_tab(window)
    before = tab.lab.net.flat.copy()
    click(qtbot, tab, "add_neuron_1")
    assert tab.lab.layer_sizes == (2, 5, 4, 1)
    assert tab.diagram.neuron_count() == 12
    # the weights that still fit are kept
    np.testing.assert_array_equal(tab.lab.net.params[0][0][:, :4], before[:8].reshape(2, 4))
    for _ in range(3):
        click(qtbot, tab, "add_neuron_1")
    assert tab.lab.layer_sizes == (2, 8, 4, 1)
    assert not find(tab, QPushButton, "add_neuron_1").isEnabled()
    for _ in range(3):
        click(qtbot, tab, "remove_neuron_2")
    assert tab.lab.layer_sizes == (2, 8, 1, 1)
    assert not find(tab, QPushButton, "remove_neuron_2").isEnabled()
    assert len(tab.diagram.neurons[2]) == 1


def test_activation_menus_change_the_network(window):
    tab = network_tab(window)
    choose(tab, "activation_1", "relu")
    choose(tab, "activation_3", "sigmoid")
    assert tab.lab.net.activations == ("relu", "tanh", "sigmoid")
    assert tab.diagram.activations == ("relu", "tanh", "sigmoid")
    assert find(tab, QComboBox, "activation_1").currentData() == "relu"


def test_typing_a_weight_in_the_editor_changes_the_parameter(qtbot, window):
    tab = network_tab(window)
    net = tab.lab.net
    index = net.flat_index(1, 1, 2)  # layer 1: y → neuron 3
    view = diagram_view(tab)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=tab.diagram.edge_midpoint(index).toPoint())
    editor = find(tab, QDoubleSpinBox, "weight_editor")
    assert editor.isVisible()
    assert "y → neuron 3" in text(tab, "weight_editor_title")
    assert editor.value() == pytest.approx(net.flat[index], abs=1e-3)
    editor.setValue(1.75)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert tab.lab.net.flat[index] == 1.75
    assert tab.lab.net.params[0][0][1, 2] == 1.75
    assert not editor.isVisible()


def test_clicking_a_neuron_edits_its_bias(qtbot, window):
    tab = network_tab(window)
    view = diagram_view(tab)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=tab.diagram.neuron_point(2, 1).toPoint())
    editor = find(tab, QDoubleSpinBox, "weight_editor")
    assert editor.isVisible()
    editor.setValue(-0.5)
    click(qtbot, tab, "weight_editor_set")
    assert tab.lab.net.params[1][1][1] == -0.5


def test_hovering_a_neuron_shows_its_formula_with_numbers(qtbot, window):
    tab = network_tab(window)
    tab.step()
    view = diagram_view(tab)
    qtbot.mouseMove(view.viewport(), tab.diagram.neuron_point(1, 2).toPoint())
    expected = tab.lab.net.neuron_formula(1, 2)
    qtbot.waitUntil(lambda: expected in text(tab, "neuron_formula"))
    assert re.match(r"tanh\(−?\d\.\d\d·x [+−] \d\.\d\d·y [+−] \d\.\d\d\)$", expected)
    assert tab.diagram.neurons[1][2].toolTip().endswith(expected)
    qtbot.mouseMove(view.viewport(), tab.diagram.neuron_point(3, 0).toPoint())
    qtbot.waitUntil(lambda: tab.lab.net.neuron_formula(3, 0) in text(tab, "neuron_formula"))
    assert "h2_1" in text(tab, "neuron_formula")


# -- training ----------------------------------------------------------------------------------


def test_step_trains_one_epoch_like_the_model(qtbot, window):
    tab = network_tab(window)
    data = datasets.make("xor", 200, 0.0, 0)
    train, _ = datasets.split(data, 0.3, 0)
    net = Network([2, 4, 4, 1], ["tanh", "tanh", "linear"], seed=0)
    np.testing.assert_array_equal(tab.lab.net.flat, net.flat)
    before = tab.lab.losses()[0]
    assert before == pytest.approx(net.loss(train.X, train.T, "cross_entropy"))
    net.train_epoch(train.X, train.T, optimizers.make("adam", 0.03), "cross_entropy", 10)
    click(qtbot, tab, "step")
    assert tab.lab.epoch == 1
    np.testing.assert_array_equal(tab.lab.net.flat, net.flat)
    after = tab.lab.losses()[0]
    assert after == net.loss(train.X, train.T, "cross_entropy") and after != before
    assert f"training loss <b>{number(after, 4)}</b>" in text(tab, "training_stats")
    assert "Epoch <b>1</b>" in text(tab, "training_stats")


@pytest.mark.parametrize("dataset", ["xor", "circle"])
def test_play_trains_until_converged_and_stops_by_itself(qtbot, window, dataset):
    tab = network_tab(window)
    fast(window)
    choose(tab, "dataset", dataset)
    tab.play()
    assert tab.playing and tab.timer_active
    qtbot.waitUntil(lambda: not tab.playing, timeout=60000)
    assert tab.lab.converged
    train_acc, test_acc = tab.lab.accuracies()
    assert train_acc >= 0.9 and test_acc >= 0.9
    assert "Converged" in text(tab, "training_status")
    assert window.playback.play_button.text() == "Play"
    assert not tab.timer_active


def test_weights_as_large_as_a_float_holds_are_drawn_at_the_widest(window):
    tab = network_tab(window)
    huge = np.full_like(tab.lab.net.flat, np.finfo(np.float64).max)
    huge[::2] *= -1.0  # what a diverged network can be left holding
    tab.diagram.show_weights(huge)
    assert {edge.pen().widthF() for edge in tab.diagram.edges} == {MAX_WIDTH}


def test_a_huge_learning_rate_blows_up_and_says_so(qtbot, window):
    tab = network_tab(window)
    fast(window)
    choose(tab, "task", "regress")
    choose(tab, "optimizer", "gd")
    slider = find(tab, QSlider, "learning_rate")
    slider.setValue(slider.maximum())
    assert tab.lab.settings.learning_rate == 10.0
    assert text(tab, "learning_rate_value") == "10"
    tab.play()
    qtbot.waitUntil(lambda: not tab.playing, timeout=30000)
    assert tab.lab.diverged
    assert text(tab, "training_status") == BLEW_UP
    assert "blew up" in text(tab, "training_stats")
    assert "nan" not in text(tab, "training_stats").lower()
    assert window.statusBar().currentMessage() == BLEW_UP
    tab.play()  # refuses, and says why
    assert not tab.playing
    tab.reset()
    assert not tab.lab.diverged and tab.lab.epoch == 0


def test_play_trains_several_epochs_per_frame_and_pausing_shows_them_all(qtbot, window):
    tab = network_tab(window)
    fast(window)
    find(tab, QWidget, "epochs_per_frame").setValue(7)
    assert tab.settings.epochs_per_frame == 7
    tab.play()
    qtbot.waitUntil(lambda: tab.lab.epoch >= 7 * 4, timeout=20000)
    tab.pause()
    epoch = tab.lab.epoch
    assert epoch % 7 == 0  # whole frames of 7 epochs
    assert f"Epoch <b>{epoch}</b>" in text(tab, "training_stats")
    xs, _ = tab.loss_plot.train.getData()
    assert xs[-1] == epoch
    np.testing.assert_allclose(tab.data_plot.image.image, tab.lab.prediction_grid(64))
    assert "Paused" in text(tab, "training_status")


def test_the_timer_runs_only_while_the_tab_is_visible(qtbot, window):
    tab = network_tab(window)
    tab.play()
    assert tab.timer_active
    window.show_tab("hot")
    assert tab.playing and not tab.timer_active
    window.show_tab("network")
    assert tab.timer_active
    tab.pause()
    assert not tab.timer_active


# -- linear collapse ------------------------------------------------------------------------------


def test_all_linear_collapses_into_the_equivalent_neuron(qtbot, window):
    tab = network_tab(window)
    click(qtbot, tab, "add_layer")
    for _ in range(5):
        tab.step()
    click(qtbot, tab, "make_linear")
    net = tab.lab.net
    assert net.activations == ("linear",) * 4
    panel = tab.collapse_panel
    assert panel.max_difference is not None and panel.max_difference < 1e-9
    gap = re.search(r"examples: <b>([^<]+)</b>", text(tab, "collapse_difference")).group(1)
    assert shown_number(gap) < 1e-9
    w, b = net.equivalent_linear()
    table = find(tab, QTableWidget, "collapse_weights")
    assert [table.horizontalHeaderItem(c).text() for c in range(3)] == ["x", "y", "bias"]
    shown = [shown_number(table.item(0, c).text()) for c in range(3)]
    np.testing.assert_allclose(shown, [w[0, 0], w[1, 0], b[0]], rtol=1e-6, atol=1e-9)
    assert net.neuron_formula(1, 0) != text(tab, "collapse_text")
    assert "g = " in text(tab, "collapse_text")


def test_a_bent_layer_breaks_the_collapse_and_is_named(qtbot, window):
    tab = network_tab(window)
    click(qtbot, tab, "make_linear")
    assert tab.collapse_panel.max_difference is not None
    choose(tab, "activation_2", "tanh")
    words = text(tab, "collapse_text")
    assert "no longer collapses" in words
    assert "layer 2 (hidden layer 2) uses tanh" in words
    assert "layer 1" not in words
    assert tab.collapse_panel.max_difference is None
    assert not find(tab, QTableWidget, "collapse_weights").isVisibleTo(tab)


# -- the tasks --------------------------------------------------------------------------------


def test_fit_shows_the_sum_of_squared_residuals(qtbot, window):
    tab = network_tab(window)
    choose(tab, "task", "fit")
    assert tab.lab.layer_sizes == (1, 4, 4, 1)
    for _ in range(3):
        tab.step()
    train = tab.lab.train
    g = tab.lab.net.forward(train.X)[:, 0]
    expected = float(np.sum((g - train.T[:, 0]) ** 2))
    words = text(tab, "distance")
    assert words.startswith("distance² = Σ (g(x) − f(x))² = ")
    shown = re.search(r"<b>([^<]+)</b>", words).group(1)
    assert shown == number(expected, 6)
    assert shown_number(shown) == pytest.approx(expected, rel=1e-5)
    assert f"the {len(train)} training examples" in words
    # the residual segments: one from f(x) to g(x) per training example
    xs, ys = tab.data_plot.residuals.getData()
    assert xs.size == 2 * len(train)
    np.testing.assert_allclose(ys[1::2] - ys[0::2], g - train.T[:, 0])


def test_fit_a_typed_function_and_say_what_is_wrong(qtbot, window):
    tab = network_tab(window)
    choose(tab, "task", "fit")
    choose(tab, "dataset", TYPED)
    line = tab.findChild(QWidget, "function_text")
    line.setText("x^2 +")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert find(tab, QLabel, "function_error").isVisibleTo(tab)
    assert tab.lab.settings.dataset != TYPED
    line.setText("abs(x)")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert not find(tab, QLabel, "function_error").isVisibleTo(tab)
    assert tab.lab.settings.dataset == TYPED and tab.lab.settings.formula == "abs(x)"
    np.testing.assert_allclose(tab.lab.data.T[:, 0], np.abs(tab.lab.data.X[:, 0]))


def test_clicking_the_picture_adds_a_point_shift_for_the_other_class(qtbot, window):
    tab = network_tab(window)
    plot = tab.data_plot
    n = len(tab.lab.train)
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=data_point(plot, 0.3, -0.4))
    assert len(tab.lab.train) == n + 1
    np.testing.assert_allclose(tab.lab.train.X[-1], [0.3, -0.4], atol=0.02)
    assert tab.lab.train.T[-1, 0] == 1.0
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ShiftModifier, pos=data_point(plot, -0.6, 0.2))
    assert len(tab.lab.train) == n + 2
    assert tab.lab.train.T[-1, 0] == 0.0
    assert len(plot.train_points.data) == n + 2


def test_clicking_the_fit_picture_adds_an_example(qtbot, window):
    tab = network_tab(window)
    choose(tab, "task", "fit")
    plot = tab.data_plot
    n = len(tab.lab.train)
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=data_point(plot, 1.0, 4.0))
    assert len(tab.lab.train) == n + 1
    np.testing.assert_allclose([tab.lab.train.X[-1, 0], tab.lab.train.T[-1, 0]], [1.0, 4.0],
                               atol=0.1)
    assert f"the {n + 1} training examples" in text(tab, "distance")


def test_regression_and_classification_show_a_heatmap(qtbot, window):
    tab = network_tab(window)
    image = tab.data_plot.image.image
    assert image.shape == (64, 64)
    np.testing.assert_allclose(image, tab.lab.prediction_grid(64))
    choose(tab, "task", "regress")
    choose(tab, "dataset", "bumps")
    assert tab.lab.data.name == "bumps"
    assert find(tab, QComboBox, "loss").currentData() == "mse"
    assert not find(tab, QComboBox, "loss").isEnabled()
    tab.step()
    np.testing.assert_allclose(tab.data_plot.image.image, tab.lab.prediction_grid(64))


def test_the_article_network_is_one_click_away(qtbot, window):
    tab = network_tab(window)
    click(qtbot, tab, "article_network")
    assert list(tab.lab.layer_sizes) == [3, 3, 3, 1]
    assert tab.lab.net.activations == ("linear", "linear", "linear")
    assert tab.lab.data.input_names == ("x", "y", "z")
    assert find(tab, QComboBox, "task").currentData() == "article"
    assert "slice z = 0" in text(tab, "data_heading")
    assert tab.collapse_panel.max_difference < 1e-9
    tab.step()
    xs, ys = tab.data_plot.train_points.getData()
    np.testing.assert_allclose(xs, tab.lab.train.T[:, 0])
    np.testing.assert_allclose(ys, tab.lab.net.forward(tab.lab.train.X)[:, 0])


# -- loss landscape --------------------------------------------------------------------------


def test_landscape_at_the_current_weights_is_the_loss_and_the_path_grows(qtbot, window):
    tab = network_tab(window)
    for _ in range(2):
        tab.step()
    tab.views.setCurrentWidget(tab.landscape_panel)
    panel = tab.landscape_panel
    qtbot.waitUntil(lambda: panel.landscape is not None, timeout=30000)
    a, b = panel.pick()
    assert panel.landscape.index_a == a and panel.landscape.index_b == b
    assert panel.landscape.centre_loss == pytest.approx(tab.lab.objective(), rel=1e-9)
    m = panel.landscape.values_a.size // 2
    assert panel.landscape.values_a[m] == pytest.approx(tab.lab.net.flat[a], abs=1e-12)
    assert panel.landscape.values_b[m] == pytest.approx(tab.lab.net.flat[b], abs=1e-12)
    xs, _ = panel.path.getData()
    assert xs.size == 3
    for _ in range(4):
        click(qtbot, tab, "step")
    xs, ys = panel.path.getData()
    assert xs.size == 7
    assert (xs[-1], ys[-1]) == (tab.lab.net.flat[a], tab.lab.net.flat[b])
    assert panel.landscape.epoch == 2  # worked out once, not per frame
    with qtbot.waitSignal(panel.ready, timeout=30000):
        click(qtbot, tab, "landscape_refresh")
    assert panel.landscape.epoch == 6
    assert panel.landscape.centre_loss == pytest.approx(tab.lab.objective(), rel=1e-9)


def test_picking_other_weights_works_the_landscape_out_again(qtbot, window):
    tab = network_tab(window)
    tab.views.setCurrentWidget(tab.landscape_panel)
    panel = tab.landscape_panel
    qtbot.waitUntil(lambda: panel.landscape is not None, timeout=30000)
    first_layer = tab.lab.net.flat_index(1, 0, 0), tab.lab.net.flat_index(1, 1, 0)
    with qtbot.waitSignal(panel.ready, timeout=30000):
        choose(tab, "weight_a", first_layer[0])
        choose(tab, "weight_b", first_layer[1])
    assert (panel.landscape.index_a, panel.landscape.index_b) == first_layer
    assert panel.landscape.centre_loss == pytest.approx(tab.lab.objective(), rel=1e-9)
    assert panel.plot.getPlotItem().getAxis("bottom").labelText == "layer 1: x → neuron 1"


# -- saving -------------------------------------------------------------------------------------


def test_state_and_restore_bring_a_trained_network_back(qtbot, window):
    tab = network_tab(window)
    choose(tab, "dataset", "circle")
    click(qtbot, tab, "add_neuron_2")
    choose(tab, "activation_1", "relu")
    choose(tab, "optimizer", "rmsprop")
    find(tab, QWidget, "noise").setValue(0.1)
    for _ in range(20):
        tab.step()
    saved = tab.state()
    trained = tab.lab.net.flat.copy()
    assert saved["weights"] == trained.tolist()
    assert saved["layer_sizes"] == [2, 4, 5, 1] and saved["dataset"] == "circle"
    click(qtbot, tab, "article_network")
    tab.reset()
    assert not np.array_equal(tab.lab.net.flat[:5], trained[:5])
    tab.restore(saved)
    np.testing.assert_array_equal(tab.lab.net.flat, trained)
    assert tab.lab.layer_sizes == (2, 4, 5, 1)
    assert tab.lab.net.activations == ("relu", "tanh", "linear")
    assert find(tab, QComboBox, "optimizer").currentData() == "rmsprop"
    assert find(tab, QComboBox, "dataset").currentData() == "circle"
    assert find(tab, QWidget, "noise").value() == 0.1
    assert tab.diagram.neuron_count() == 12
    assert tab.state() == saved


@pytest.mark.parametrize("change", [
    {"weights": [1.0, 2.0]},
    {"layer_sizes": [2, 9, 1], "activations": ["tanh", "linear"]},
    {"task": "nonsense"},
    {"learning_rate": -1},
    {"activations": ["tanh", "wobbly", "linear"]},
    {"weights": "many"},
    {"loss": "cross_entropy", "task": "fit", "dataset": "curve:parabola",
     "layer_sizes": [1, 4, 4, 1]},
])
def test_restore_refuses_bad_input_and_changes_nothing(qtbot, window, change):
    tab = network_tab(window)
    tab.step()
    before = tab.state()
    bad = dict(before, **change)
    with pytest.raises(ValueError):
        tab.restore(bad)
    assert tab.state() == before
    assert tab.lab.epoch == 1


def test_restore_keeps_added_points(qtbot, window):
    tab = network_tab(window)
    plot = tab.data_plot
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=data_point(plot, 0.5, 0.5))
    saved = tab.state()
    assert len(saved["added_points"]) == 1
    tab.restore(dict(saved, added_points=[]))
    n = len(tab.lab.train)
    tab.restore(saved)
    assert len(tab.lab.train) == n + 1
    assert math.isclose(tab.lab.train.T[-1, 0], 1.0)


def _path_points(path):
    return [(path.elementAt(k).type, path.elementAt(k).x, path.elementAt(k).y)
            for k in range(path.elementCount())]


@pytest.mark.parametrize("shape", ["circle", "waves", "noise", "step", "diagonal", "flat"])
def test_the_decision_boundary_is_the_path_pyqtgraph_draws(qapp, shape):
    """Same contour, point for point, as pyqtgraph's own isocurve item."""
    import pyqtgraph as pg

    from desktop_app.ui.network_plots import Isocurve

    y, x = np.mgrid[-1:1:64j, -1:1:64j]
    rng = np.random.default_rng(3)
    data = {
        "circle": x**2 + y**2 - 0.5,
        "waves": np.sin(5 * x) * np.cos(4 * y) + 0.1 * rng.standard_normal(x.shape),
        "noise": rng.standard_normal((17, 23)),
        "step": np.sign(x),
        "diagonal": np.tanh(3 * (x + y)),  # crossings exactly on grid points
        "flat": np.zeros(x.shape),
    }[shape]
    for order in ("row-major", "col-major"):
        theirs = pg.IsocurveItem(data, level=0.0, axisOrder=order)
        ours = Isocurve(data, level=0.0, axisOrder=order)
        theirs.generatePath()
        ours.generatePath()
        assert _path_points(ours.path) == _path_points(theirs.path)


def test_the_collapse_panel_keeps_a_finite_range_for_outputs_near_the_largest_float(qtbot):
    # Found by the monkey test: a diverged network's outputs near ±1.8e308 made the panel's
    # height range overflow to ±inf, which pyqtgraph refuses at paint time.
    from desktop_app.ui.network_collapse import CollapsePanel

    panel = CollapsePanel()
    qtbot.addWidget(panel)
    across = np.linspace(0.0, 1.0, 5)
    panel._fit_axes(across, np.array([-1.7e308, 0.0, 1.0, 2.0, 1.7e308]))
    (x0, x1), (y0, y1) = panel.plot.getPlotItem().getViewBox().viewRange()
    assert all(np.isfinite([x0, x1, y0, y1])) and y0 < 0.0 < 2.0 < y1
