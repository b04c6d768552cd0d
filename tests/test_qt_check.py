"""A Qt for Python release known to crash the app is refused at start, in plain words."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata

import pytest

from desktop_app import app, qt_check


def test_the_known_bad_release_is_named_with_the_way_out():
    message = qt_check.problem("6.12.0")
    assert message == ("This version of Qt for Python (PySide6 6.12.0) crashes animated views. "
                       "Please install a version from 6.9 to 6.11: "
                       "pip install 'PySide6-Essentials>=6.9,<6.12'.")


@pytest.mark.parametrize("version", ["6.9.0", "6.9.3", "6.10.1", "6.11.3", "6.12.1", "6.12",
                                     "7.0.0", None])
def test_other_releases_pass(version):
    assert qt_check.problem(version) is None


def test_the_installed_version_comes_from_the_package_metadata():
    import PySide6

    version = qt_check.installed_version()
    assert version == metadata.version("PySide6-Essentials") == PySide6.__version__
    assert qt_check.problem(version) is None  # the test suite itself runs on a good one


def test_reading_the_version_loads_no_qt():
    code = ("import sys\n"
            "from desktop_app import qt_check\n"
            "print(qt_check.installed_version())\n"
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ), timeout=60)
    assert done.returncode == 0, done.stderr
    version, loaded = done.stdout.split("\n")[:2]
    assert version == metadata.version("PySide6-Essentials")
    assert loaded == "[]"


def test_main_refuses_a_known_bad_release_before_starting_qt(monkeypatch, capsys):
    def no_qt_please():
        raise AssertionError("the app started Qt with a binding it should have refused")

    monkeypatch.setattr(qt_check, "installed_version", lambda: "6.12.0")
    monkeypatch.setattr(app, "application", no_qt_please)
    assert app.main(["--self-test"]) == app.EXIT_BAD_QT == 5
    out, err = capsys.readouterr()
    assert out == ""
    assert err == qt_check.problem("6.12.0") + "\n"
    assert len(set((app.EXIT_NOT_AVAILABLE, app.EXIT_BAD_SCENARIO, app.EXIT_BAD_QT))) == 3
