"""Driving the hot-and-cold tab the way a student would: clicks, keys and typed formulas."""

from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton, QTableWidget

from desktop_app.model import hot_cold


def hot_tab(window):
    tab = window.tab_by_key("hot")
    window.show_tab("hot")
    return tab


def log_rows(tab):
    table = tab.findChild(QTableWidget, "move_log")
    return [tuple(table.item(r, c).text() for c in range(table.columnCount()))
            for r in range(table.rowCount())]


def click(qtbot, tab, name):
    button = tab.window().findChild(QPushButton, name)
    assert button is not None, name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def click_plot_at(qtbot, tab, x, y):
    plot = tab.plot
    scene_point = plot.getPlotItem().getViewBox().mapViewToScene(QPointF(x, y))
    widget_point = plot.mapFromScene(scene_point)
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=widget_point)


def test_opens_on_the_hot_and_cold_game_with_the_parabola(window):
    tab = window.current_tab()
    assert tab.key == "hot"
    assert tab.findChild(QLabel, "function_heading").text() == "d(x) = x² + 1"
    assert tab.findChild(QLineEdit, "function_text").text() == "x^2 + 1"
    assert tab.start.value() == -2.0 and tab.step_size.value() == 1.0


def test_article_example_played_with_the_step_button(window, qtbot):
    tab = hot_tab(window)
    for _ in range(4):
        click(qtbot, tab, "step")
    rows = log_rows(tab)
    assert [row[3] for row in rows] == ["2", "1", "2", "2"]          # d after each move
    assert rows[0][:4] == ("−2", "−1", "5", "2")
    assert [row[1] for row in rows[2:]] == ["1", "−1"]              # right, then left
    assert [row[4] for row in rows] == ["hotter", "hotter", "colder, back", "colder, back"]
    result = tab.findChild(QLabel, "result").text()
    assert "Minimum found at x = 0, d = 1" in result
    assert tab.game.done and not tab.halve_and_retry.isVisibleTo(tab)
    # A step after the end changes nothing and says so.
    click(qtbot, tab, "step")
    assert len(log_rows(tab)) == 4
    assert "Reset" in window.statusBar().currentMessage()


def test_clicking_the_plot_sets_the_start_and_a_coarse_step_is_offered_halving(window, qtbot):
    tab = hot_tab(window)
    click_plot_at(qtbot, tab, -1.5, 4.0)
    assert tab.start.value() == -1.5
    assert log_rows(tab) == []
    for _ in range(3):
        click(qtbot, tab, "step")
    assert tab.game.done and tab.game.x == -0.5
    result = tab.findChild(QLabel, "result").text()
    assert "too coarse" in result and "x = 0" in result
    retry = tab.findChild(QPushButton, "halve_and_retry")
    assert retry.isVisibleTo(tab)
    window.playback.speed.setValue(20.0)
    qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    assert tab.step_size.value() == 0.5 and tab.playing
    qtbot.waitUntil(lambda: tab.game.done, timeout=5000)
    assert tab.game.x == 0.0
    assert not tab.playing and window.playback.play_button.text() == "Play"


def test_a_typing_mistake_is_explained_and_the_last_good_function_stays(window, qtbot):
    tab = hot_tab(window)
    field = tab.findChild(QLineEdit, "function_text")
    field.clear()
    qtbot.keyClicks(field, "x^2 +")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    error = tab.findChild(QLabel, "function_error")
    assert error.isVisibleTo(tab)
    assert "x² + 1" in error.text()
    assert tab.curve.text == "x^2 + 1"
    assert tab.findChild(QLabel, "function_heading").text() == "d(x) = x² + 1"

    field.clear()
    qtbot.keyClicks(field, "(x - 1)^2 + 3")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert not error.isVisibleTo(tab)
    assert tab.game.run()[-1] is not None
    assert tab.game.x == 1.0 and tab.game.d_x == 3.0


def test_choosing_a_catalog_curve_restarts_the_game(window, qtbot):
    tab = hot_tab(window)
    click(qtbot, tab, "step")
    combo = tab.function_choice
    combo.setCurrentIndex(1)
    combo.activated.emit(1)
    name = combo.itemData(1)
    assert tab.curve.name == name
    assert log_rows(tab) == []


def test_space_plays_until_the_minimum_and_stops_by_itself(window, qtbot):
    tab = hot_tab(window)
    window.playback.speed.setValue(20.0)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert tab.playing and tab.timer_active
    assert window.playback.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: tab.game.done, timeout=5000)
    assert not tab.playing and not tab.timer_active
    assert len(log_rows(tab)) == 4


def test_right_arrow_steps_and_r_resets(window, qtbot):
    tab = hot_tab(window)
    tab.plot.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert len(log_rows(tab)) == 2
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert log_rows(tab) == []


def test_timer_runs_only_while_the_tab_is_visible_and_playing(window, qtbot):
    tab = hot_tab(window)
    tab.play()
    assert tab.timer_active
    window.hide()
    assert tab.playing and not tab.timer_active
    window.show()
    qtbot.waitExposed(window)
    assert tab.timer_active
    tab.pause()
    assert not tab.timer_active


def test_halving_option_finds_the_minimum_from_a_coarse_start(window, qtbot):
    tab = hot_tab(window)
    tab.start.setValue(-1.3)
    tab.findChild(QCheckBox, "halve_step").setChecked(True)
    assert tab.params.halve_when_stuck
    while not tab.game.done:
        tab.step()
    assert tab.game.reason == hot_cold.PRECISION
    assert abs(tab.game.x) < 1e-5
    assert "halving the step" in tab.findChild(QLabel, "result").text()


def test_dark_room_hides_the_curve_and_reveal_compares_with_the_automatic_player(window, qtbot):
    tab = hot_tab(window)
    tab.findChild(QCheckBox, "dark_room").setChecked(True)
    assert not tab.plot.curve.isVisible()
    # Nothing on screen may give the formula away.
    assert "x²" not in tab.findChild(QLabel, "function_heading").text()
    assert not tab.function_box.isVisibleTo(tab)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not tab.playing and "← and →" in window.statusBar().currentMessage()
    click(qtbot, tab, "move_right")
    click(qtbot, tab, "move_right")
    qtbot.keyClick(window, Qt.Key.Key_Left)
    rows = log_rows(tab)
    assert [r[4] for r in rows] == ["hotter", "hotter", "colder"]
    assert all(r[2] == "?" and r[3] == "?" for r in rows)
    assert tab.findChild(QLabel, "dark_counter").text() == "Moves: 3"
    click(qtbot, tab, "reveal")
    assert tab.plot.curve.isVisible() and tab.function_box.isVisibleTo(tab)
    result = tab.findChild(QLabel, "result").text()
    assert "The class made 3 moves" in result
    assert "needed 4 moves" in result
    assert log_rows(tab)[0][2:4] == ("5", "2")


def test_state_round_trip_moves_the_controls(window):
    tab = hot_tab(window)
    state = {"function": "(x - 1)^2", "start": 2.5, "step": 0.25, "first_direction": -1,
             "halve_when_stuck": True, "dark_room": False}
    tab.restore(state)
    assert tab.start.value() == 2.5 and tab.step_size.value() == 0.25
    assert tab.first_direction.currentData() == -1 and tab.halve_step.isChecked()
    assert tab.state()["function"] == tab.curve.text
    assert tab.state() | {"function": "(x - 1)^2"} == state


def test_a_start_where_d_overflows_is_drawn_without_errors(window, qtbot):
    tab = hot_tab(window)
    field = tab.findChild(QLineEdit, "function_text")
    field.clear()
    qtbot.keyClicks(field, "exp(x) - 2x")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    tab.start.setValue(1000.0)  # exp(1000) is too big for a float: d has no value there
    tab.plot.repaint()
    xs, ys = tab.plot.walker.getData()
    assert len(xs) == len(ys) == 0
