"""The command line as a user (and the packaging smoke test) runs it: real child processes."""

import os
import subprocess
import sys

import pytest

from desktop_app.app import EXIT_BAD_SCENARIO, EXIT_NOT_AVAILABLE, NOT_YET


def run_app(*args, platform="offscreen", timeout=120):
    env = dict(os.environ, QT_QPA_PLATFORM=platform)
    return subprocess.run([sys.executable, "-m", "desktop_app", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=timeout)


def test_screenshot_of_the_article_example(tmp_path):
    from PySide6.QtGui import QImage

    picture = tmp_path / "hot.png"
    done = run_app("--tab", "hot", "--steps", "4", "--screenshot", picture)
    assert done.returncode == 0, done.stderr
    image = QImage(str(picture))
    assert (image.width(), image.height()) == (1280, 800)
    # Not a blank picture: many different colours (curve, walker, hot and cold moves).
    small = image.scaled(160, 100)
    colours = {small.pixel(x, y) for x in range(160) for y in range(100)}
    assert len(colours) > 50


def test_self_test_passes_offscreen():
    done = run_app("--self-test")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "self-test hot: ok" in done.stdout
    assert done.stdout.strip().endswith("self-test passed")


def test_self_test_passes_on_a_real_x_display_under_xvfb():
    # pytest-xvfb started Xvfb for this session and set DISPLAY; this checks the xcb plugin
    # and its system libraries (libxcb-cursor0 among them) really load.
    assert os.environ.get("DISPLAY"), "pytest-xvfb did not provide a display (is Xvfb installed?)"
    done = run_app("--self-test", platform="xcb")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "self-test passed" in done.stdout


@pytest.mark.parametrize("content, words", [
    (None, "does not exist"),
    (b'{"format": "deep-learning-made-simple/scenario", "version": 1, "tabs": {"hot": '
     b'{"start": "abc"}}}', "tabs.hot.start: expected a number, got text 'abc'"),
    (b'{"format": "deep-learning-made-simple/scenario", "version": 9, "tabs": {}}',
     "version 9 is newer than this app understands"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "binary data"),
])
def test_a_bad_scenario_says_why_in_one_line(tmp_path, content, words):
    path = tmp_path / "lesson.json"
    if content is not None:
        path.write_bytes(content)
    done = run_app("--scenario", path, timeout=60)
    assert done.returncode == EXIT_BAD_SCENARIO
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if "lesson.json" in line]
    assert len(lines) == 1 and words in lines[0], done.stderr
    assert lines[0].startswith("Could not open the scenario")


def test_options_not_built_yet_are_listed_with_a_sentence():
    # Every feature of DESIGN §5 is built; an option added before its feature must say so.
    assert all(isinstance(why, str) and why.endswith(".") for why in NOT_YET.values())
    assert EXIT_NOT_AVAILABLE not in (0, EXIT_BAD_SCENARIO)


def test_unknown_tab_is_a_usage_error():
    done = run_app("--tab", "nonsense", timeout=60)
    assert done.returncode == 2 and "invalid choice" in done.stderr


def test_model_imports_and_runs_without_qt():
    # A finder that refuses Qt and pyqtgraph proves the model needs neither.
    code = """
import sys
class NoQt:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph', 'superqt'):
            raise ImportError('Qt is not allowed in the model: ' + name)
sys.meta_path.insert(0, NoQt())
import pkgutil, importlib, desktop_app.model as model
names = [m.name for m in pkgutil.iter_modules(model.__path__)]
for name in names:
    importlib.import_module('desktop_app.model.' + name)
from desktop_app.model.functions import CURVES
from desktop_app.model.hot_cold import HotColdGame
game = HotColdGame(CURVES['parabola'].f, -2, 1)
game.run()
print(sorted(names), game.x)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert "'expression'" in done.stdout and "'functions'" in done.stdout
    assert done.stdout.strip().endswith("0.0")


def test_screenshot_to_an_unwritable_place_fails_cleanly(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = run_app("--screenshot", blocker / "sub" / "x.png")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "Could not write the picture" in done.stderr
