"""Faults nobody expected: an error in a running slot becomes one calm dialog and a log entry
and the app goes on; a hard crash leaves its Python stack in crash.log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton

from desktop_app.model import hot_cold
from desktop_app.ui import errors


@pytest.fixture
def reporter(window):
    installed = errors.ErrorReporter(window)
    installed.install()
    yield installed
    installed.uninstall()
    if installed.dialog is not None:
        installed.dialog.close()


def entries_with(text: str) -> int:
    path = errors.error_log_path()
    if not path.exists():
        return 0
    return path.read_text(encoding="utf-8").count(text)


@pytest.mark.qt_no_exception_capture
def test_an_error_while_playing_is_shown_once_and_the_tab_stops(window, qtbot, reporter,
                                                                monkeypatch, capsys):
    window.show_tab("hot")
    tab = window.tab_by_key("hot")
    real_step = hot_cold.HotColdGame.step
    failures = []

    def broken_step(game):
        failures.append(game.moves)
        raise RuntimeError("the hot-and-cold walker tripped (planted by a test)")

    monkeypatch.setattr(hot_cold.HotColdGame, "step", broken_step)
    window.playback.speed.setValue(window.playback.speed.maximum())
    window.playback.play_button.click()
    assert tab.playing
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    # The fault would repeat on every tick: the timer stopped, so it is reported once.
    assert not tab.playing and not tab.timer_active
    assert failures == [0]
    assert entries_with("RuntimeError: the hot-and-cold walker tripped") == 1
    assert "keeps running" in reporter.dialog.text()
    assert "RuntimeError" in reporter.dialog.informativeText()
    assert str(errors.error_log_path()) in reporter.dialog.informativeText()
    assert "broken_step" in reporter.dialog.detailedText()
    assert "planted by a test" in capsys.readouterr().err
    reporter.dialog.close()
    # The app goes on: once the fault is gone the same tab plays to the end.
    monkeypatch.setattr(hot_cold.HotColdGame, "step", real_step)
    window.playback.play_button.click()
    qtbot.waitUntil(lambda: not tab.playing, timeout=10_000)
    assert tab.game.done and tab.game.x == 0.0


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_button_of_a_tab_is_shown_and_the_button_works_again(window, qtbot,
                                                                           reporter, monkeypatch):
    window.show_tab("hot")
    tab = window.tab_by_key("hot")
    step_button = window.findChild(QPushButton, "step")
    real_step = hot_cold.HotColdGame.step

    def broken_step(game):
        raise ValueError("a planted fault behind the Step button")

    monkeypatch.setattr(hot_cold.HotColdGame, "step", broken_step)
    step_button.click()
    assert reporter.dialog is not None and reporter.dialog.isVisible()
    assert "ValueError: a planted fault behind the Step button" in \
        reporter.dialog.informativeText()
    assert entries_with("ValueError: a planted fault behind the Step button") == 1
    reporter.dialog.close()
    monkeypatch.setattr(hot_cold.HotColdGame, "step", real_step)
    step_button.click()
    assert tab.game.moves == 1


CRASHING_CHILD = """
import faulthandler
from desktop_app.app import application
from desktop_app.ui.errors import ErrorReporter, log_dir

application()
ErrorReporter(None).install()
print(log_dir(), flush=True)


def a_function_that_crashes_the_interpreter():
    faulthandler._sigsegv()


a_function_that_crashes_the_interpreter()
print("still alive", flush=True)
"""


def test_a_hard_crash_leaves_the_python_stack_in_crash_log(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run([sys.executable, "-c", CRASHING_CHILD], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode != 0
    assert "still alive" not in done.stdout
    folder = Path(done.stdout.strip().splitlines()[0])
    assert folder.is_relative_to(tmp_path)
    log = (folder / "crash.log").read_text(encoding="utf-8")
    assert "Fatal Python error: Segmentation fault" in log
    assert "a_function_that_crashes_the_interpreter" in log
