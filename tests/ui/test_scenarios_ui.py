"""Scenarios in the window: save, open, examples, recent files, and every bad file refused
with a dialog that says what and where, leaving the app exactly as it was."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.app import EXIT_BAD_SCENARIO, application, build_window, main
from desktop_app.model import scenario
from desktop_app.model.scenario import ScenarioError
from tests.model.bad_scenarios import BAD_FILES, FORMAT, BadFile

# -- helpers --------------------------------------------------------------------------------


def snapshot(window) -> dict:
    """Everything a scenario can change: every tab's state, the tab shown, hidden controls."""
    return {
        "tabs": {page.key: page.state() for page in window.tab_pages},
        "current": window.current_tab().key,
        "focus": {page.key: window.focus_hidden(page) for page in window.tab_pages},
    }


def change_everything(window) -> None:
    """Move every tab away from its defaults (so a round trip has something to carry)."""
    hot = window.tab_by_key("hot")
    hot.restore({"function": "0.25x^4 - x^2 + 0.5x + 2", "start": -2.5, "step": 0.75,
                 "first_direction": -1, "halve_when_stuck": True, "dark_room": False})
    slope = window.tab_by_key("slope")
    slope.restore({**slope.state(), "function": "x^2/4 + sin(3x)", "mode": "descend",
                   "learning_rate": 0.1, "start": 2.0, "x": 2.0, "descent_steps": 0})
    for _ in range(4):
        slope.step()
    surface = window.tab_by_key("surface")
    surface.restore({"surface": "x^2/10 + 5y^2", "start": [-4.5, 1.5], "speed_up": False,
                     "optimizers": {"gd": {"on": True, "lr": 0.15},
                                    "momentum": {"on": False},
                                    "rmsprop": {"on": True, "lr": 0.02, "alpha": 0.9},
                                    "adam": {"on": False}}})
    for page in window.tab_pages:
        if page.key not in ("hot", "slope", "surface"):
            page.step()  # a tab under construction: one step changes its numbers
            page.pause()
    window.set_focus_hidden(hot, ["dark_room_box", "move_log"])
    window.show_tab("slope")


def write(tmp_path, name: str, data: bytes | str):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def visible_message(window) -> QMessageBox:
    box = window.scenario_error_dialog
    assert box is not None and box.isVisible()
    return box


# -- round trips ----------------------------------------------------------------------------


def test_every_tab_round_trips_through_a_file(window, tmp_path):
    change_everything(window)
    before = snapshot(window)
    path = tmp_path / "lesson.json"
    window.save_scenario(path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["format"] == FORMAT and saved["version"] == scenario.VERSION
    assert set(saved["tabs"]) == {page.key for page in window.tab_pages}
    assert saved["focus"] == {"hot": ["dark_room_box", "move_log"]}

    # Change everything again, differently, then open the file.
    window.clear_focus()
    for page in window.tab_pages:
        page.reset()
    window.tab_by_key("hot").restore({"function": "x^2 + 1", "start": 3.0})
    window.show_tab("surface")
    assert snapshot(window) != before

    window.load_scenario(path)
    after = snapshot(window)
    assert after["tabs"].keys() == before["tabs"].keys()
    for key in before["tabs"]:
        assert after["tabs"][key] == before["tabs"][key], key
    assert after["current"] == "slope"
    assert after["focus"]["hot"] == ["dark_room_box", "move_log"]
    window.show_tab("hot")
    hidden = window.hider.hidden("focus")
    assert {w.objectName() for w in hidden} == {"dark_room_box", "move_log"}
    assert all(not w.isVisible() for w in hidden)


def test_saving_is_atomic_and_keeps_a_good_file_when_it_fails(window, tmp_path, monkeypatch):
    path = tmp_path / "plan.json"
    window.save_scenario(path)
    good = path.read_bytes()

    def broken(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    window.tab_by_key("hot").restore({"start": 2.0})
    with pytest.raises(ScenarioError, match="could not be saved"):
        window.save_scenario(path)
    assert path.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]


def test_a_tab_that_refuses_its_settings_puts_every_tab_back(window, tmp_path, monkeypatch):
    change_everything(window)
    before = snapshot(window)
    state = window.capture_state()
    state["tabs"]["hot"]["start"] = 1.0  # applied first, so it has to be rolled back
    state["tabs"]["slope"]["x"] = -1.0
    path = tmp_path / "refused.json"
    scenario.save(path, state)
    surface = window.tab_by_key("surface")

    def refuse(_state):
        raise ValueError("the surface has a hole at the start")

    monkeypatch.setattr(surface, "restore", refuse)
    assert not window.open_scenario(path)
    box = visible_message(window)
    assert "tabs.surface" in box.informativeText()
    assert "the surface has a hole at the start" in box.informativeText()
    monkeypatch.undo()
    assert snapshot(window) == before


def test_ctrl_s_and_ctrl_o_use_the_path_hooks(window, qtbot, tmp_path):
    path = tmp_path / "by-keys.json"
    window.ask_save_path = lambda: str(path)
    window.tab_by_key("hot").restore({"start": -1.5, "step": 1.0})
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert path.is_file()
    assert scenario.load(path)["tabs"]["hot"]["start"] == -1.5

    window.tab_by_key("hot").restore({"start": 2.0})
    window.ask_open_path = lambda: str(path)
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert window.tab_by_key("hot").state()["start"] == -1.5
    assert "Opened the scenario" in window.statusBar().currentMessage()


def test_a_failed_save_says_why_in_a_dialog(window, tmp_path):
    window.ask_save_path = lambda: str(tmp_path)  # a folder, not a file
    assert not window.save_scenario_dialog()
    box = window.export_error_dialog
    assert box is not None and box.isVisible()
    assert "is a folder" in box.informativeText()


def test_recent_scenarios_are_listed_and_remembered(window, qtbot, tmp_path):
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    window.save_scenario(first)
    window.save_scenario(second)
    names = [a.text() for a in window.recent_menu.actions() if a.objectName().startswith("recent_")
             and a.objectName() != "recent_clear"]
    assert names == ["&1  two.json", "&2  one.json"]
    window.tab_by_key("hot").restore({"start": 2.5})
    window.recent_menu.actions()[1].trigger()  # "one.json"
    assert window.tab_by_key("hot").state()["start"] == -2.0
    window.close()
    assert QSettings().value("scenarios/recent") == [str(first), str(second)]
    again = build_window([])
    qtbot.addWidget(again)
    assert again.recent == [str(first), str(second)]
    clear = next(a for a in again.recent_menu.actions() if a.objectName() == "recent_clear")
    clear.trigger()
    assert again.recent == [] and not again.recent_menu.isEnabled()


# -- the ready-made examples -------------------------------------------------------------------


EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "resources" / "scenarios")
                  .glob("*.json"))


def test_there_are_examples_for_the_articles_worked_examples():
    titles = {scenario.load_document(path)["title"] for path in EXAMPLES}
    for words in ("Hot and cold from −2", "Hot and cold from −1.5 (the step is too coarse)",
                  "Slope at x = 1 with q = 0.5", "Descent from 3 with learning rate 0.25",
                  "Racing on the ravine"):
        assert words in titles


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_opens_from_the_menu(window, path):
    actions = {a.data(): a for a in window.examples_menu.actions()}
    assert str(path) in actions
    document = scenario.load_document(path)
    actions[str(path)].trigger()
    assert window.scenario_error_dialog is None or not window.scenario_error_dialog.isVisible()
    assert window.current_tab().key == document["current_tab"]
    for key, settings in document["tabs"].items():
        state = window.tab_by_key(key).state()
        for name, value in settings.items():
            if isinstance(value, dict):  # the surface's optimizers: each given setting
                for inner, values in value.items():
                    for field, number in values.items():
                        assert state[name][inner][field] == number, (key, name, inner, field)
            else:
                assert state[name] == value, (key, name)
    assert window.recent == []  # examples have their own menu


def test_the_article_example_plays_as_in_the_article(window):
    path = next(p for p in EXAMPLES if p.name.startswith("01-"))
    assert window.open_scenario(path)
    hot = window.tab_by_key("hot")
    for _ in range(4):
        hot.step()
    assert [round(m.d_to, 9) for m in hot.game.history] == [2, 1, 2, 2]
    assert hot.game.done and hot.game.x == 0


# -- bad files ---------------------------------------------------------------------------------

def _doc(**changes) -> bytes:
    document = {"format": FORMAT, "version": 1, "tabs": {
        "surface": {"surface": "x^2 + y^2", "start": [-2.0, 2.0]}}}
    for key, value in changes.items():
        document[key] = value
    return json.dumps(document).encode("utf-8")


def _surface(**settings) -> bytes:
    return _doc(tabs={"surface": {"surface": "x^2 + y^2", **settings}})


def _network_fit(formula: str) -> bytes:
    return _doc(tabs={"network": {"task": "fit", "loss": "mse", "dataset": "typed",
                                  "formula": formula}})


def _raw_tabs(tabs: bytes) -> bytes:
    """A document whose tabs are written by hand (for what json.dumps cannot write)."""
    return b'{"format": "' + FORMAT.encode() + b'", "version": 1, "tabs": ' + tabs + b"}"


UI_CASES = [
    BadFile("surface start is text", "tabs.surface.start: expected a list [...], got text",
            _surface(start="abc")),
    BadFile("surface start has three numbers", "tabs.surface.start: the list is too long",
            _surface(start=[1, 2, 3])),
    BadFile("surface start has one number", "the start needs two numbers [x, y], got 1",
            _surface(start=[1])),
    BadFile("surface start far away", "tabs.surface.start[0]: 5000 is out of range",
            _surface(start=[5000, 0])),
    BadFile("an optimizer that does not exist", "tabs.surface.optimizers: unknown setting "
            "'adamw' — did you mean 'adam'?", _surface(optimizers={"adamw": {"on": True}})),
    BadFile("a negative learning rate", "tabs.surface.optimizers.gd.lr: -1 is out of range",
            _surface(optimizers={"gd": {"on": True, "lr": -1}})),
    BadFile("momentum of 2", "tabs.surface.optimizers.momentum.momentum: 2 is out of range",
            _surface(optimizers={"momentum": {"momentum": 2}})),
    BadFile("on is a number", "tabs.surface.optimizers.adam.on: expected true or false",
            _surface(optimizers={"adam": {"on": 1}})),
    BadFile("a camera without distance", "tabs.surface.camera: the setting 'distance' is "
            "missing", _surface(camera={"elevation": 30, "azimuth": 45})),
    BadFile("a camera inside out", "tabs.surface.camera.distance: 0 is out of range",
            _surface(camera={"elevation": 30, "azimuth": 45, "distance": 0})),
    BadFile("code in the surface formula", "tabs.surface.surface: the formula",
            _surface(surface="__import__('os').system('echo hi')")),
    BadFile("a surface tower of powers", "tabs.surface.surface: the formula",
            _surface(surface="9^9^9^9^9")),
    BadFile("a surface in z", "tabs.surface.surface: the formula 'x^2 + z' cannot be used",
            _surface(surface="x^2 + z")),
    BadFile("a 100,000-character surface", "tabs.surface.surface: the formula is too long",
            _surface(surface="x+" * 50_000 + "y")),
    BadFile("a hidden control that does not exist", "focus.hot[0]: there is no control "
            "called 'nonsense'", _doc(focus={"hot": ["nonsense"]})),
    BadFile("focus is a list", "focus: expected a group of tabs", _doc(focus=["hot"])),
    BadFile("focus names code", "focus.hot[0]: 'os.system(1)' is not the name of a control",
            _doc(focus={"hot": ["os.system(1)"]})),
    BadFile("current tab is missing", "current_tab: unknown tab 'digitz'",
            _doc(current_tab="digitz")),
    BadFile("version from the future", "version 3 is newer than this app understands",
            _doc(version=3)),
    BadFile("a string where the tabs go", "tabs: expected a group of tabs", _doc(tabs="all")),
    BadFile("deeply nested start", "nested too deeply",
            b'{"format": "' + FORMAT.encode() + b'", "version": 1, "tabs": {"surface": '
            b'{"start": ' + b"[" * 5000 + b"]" * 5000 + b"}}}"),
    BadFile("truncated in the middle of the surface", "cut off",
            _surface(optimizers={"gd": {"on": True}})[:-25]),
    BadFile("a network refused by its tab", "tabs.network:",
            _doc(tabs={"network": {"layer_sizes": [2, 3, 1], "weights": [0.5, 0.25]}})),
    BadFile("code in the network's formula", "tabs.network: '_' at column 1 is not allowed",
            _network_fit("__import__('os').system('echo hi')")),
    BadFile("a network formula with no value anywhere", "tabs.network: this function is "
            "defined at fewer than two points", _network_fit("9^9^9^9")),
    BadFile("a 10,000-character network formula", "tabs.network: the formula is too long",
            _network_fit("x+" * 5000)),
    BadFile("NaN in the network tab", "contains NaN",
            _raw_tabs(b'{"network": {"learning_rate": NaN}}')),
    BadFile("Infinity in the digits tab", "contains Infinity",
            _raw_tabs(b'{"digits": {"learning_rate": Infinity}}')),
    BadFile("a digits learning rate no control allows", "tabs.digits: the learning rate must "
            "be a number from 0.0001 to 10", _doc(tabs={"digits": {"learning_rate": 1e300}})),
]


ALL_CASES = BAD_FILES + UI_CASES


@pytest.fixture(scope="module")
def shared_window(qapp):
    """One window for the whole corpus of bad files (each case leaves it untouched)."""
    application()
    QSettings().clear()
    window = build_window([])
    window.show()
    change_everything(window)
    yield window
    for page in window.tab_pages:
        page.pause()
    window.close()
    window.deleteLater()
    QApplication.processEvents()


@pytest.mark.parametrize("case", ALL_CASES, ids=[case.name for case in ALL_CASES])
def test_a_bad_file_is_refused_with_a_dialog_and_nothing_changes(shared_window, tmp_path,
                                                                 case):
    window = shared_window
    before = snapshot(window)
    if case.make is not None:
        path = case.make(tmp_path)
    else:
        path = write(tmp_path, "bad scenario.json", case.data)
    assert window.open_scenario(path) is False
    box = visible_message(window)
    message = box.informativeText()
    assert case.expected in message, message
    assert "Traceback" not in message and "nothing in the app has changed" in box.text()
    assert path.name in box.text() or case.make is not None
    box.close()
    assert snapshot(window) == before
    assert window.recent == []


def test_a_refused_file_raises_scenario_error_from_load_scenario(window, tmp_path):
    path = write(tmp_path, "x.json", _surface(start="abc"))
    before = snapshot(window)
    with pytest.raises(ScenarioError) as caught:
        window.load_scenario(path)
    assert caught.value.where == "tabs.surface.start"
    assert snapshot(window) == before


# -- the command line --------------------------------------------------------------------------


def test_scenario_on_the_command_line_opens_it(qtbot, tmp_path):
    path = next(p for p in EXAMPLES if "ravine" in p.name)
    application()
    QSettings().clear()
    window = build_window(["--scenario", str(path), "--presenter"])
    qtbot.addWidget(window)
    assert window.current_tab().key == "surface"
    assert window.tab_by_key("surface").state()["surface"] == "x^2/10 + 5y^2"
    assert window.presenter


def test_a_bad_scenario_on_the_command_line_is_one_line_and_an_exit_code(tmp_path, capsys):
    path = write(tmp_path, "broken.json", _surface(start="abc"))
    application()
    QSettings().clear()
    assert main(["--scenario", str(path)]) == EXIT_BAD_SCENARIO
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"Could not open the scenario {path}: tabs.surface.start: expected a list "
                   "[...], got text 'abc'"]
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == "main_window":
            widget.close()
            widget.deleteLater()
