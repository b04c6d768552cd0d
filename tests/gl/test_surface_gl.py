"""The 3-D surface view with real OpenGL: child processes on the Xvfb display.

pytest-xvfb starts Xvfb for the test session and sets DISPLAY; Mesa's llvmpipe draws.
These tests fail (never skip) when there is no display: the 3-D view must be checked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = Path(__file__).with_name("surface_gl_child.py")
pytestmark = pytest.mark.gl


def x_environment(tmp_path: Path) -> dict:
    assert os.environ.get("DISPLAY"), "pytest-xvfb did not provide a display (is Xvfb installed?)"
    home = tmp_path / "home"
    return dict(os.environ, QT_QPA_PLATFORM="xcb",
                XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
                XDG_CACHE_HOME=str(home / "cache"))


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    env = x_environment(tmp_path_factory.mktemp("gl"))
    done = subprocess.run([sys.executable, str(CHILD)], capture_output=True, text=True,
                          env=env, timeout=300)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(lines[-1][len("RESULT "):])
    assert "error" not in result, result.get("error")
    result["stderr"] = done.stderr
    return result


def looks_like_the_surface(facts: dict) -> bool:
    return facts["colours"] > 300 and facts["yellowish"] > 50 and facts["dark_red"] > 200


def test_opengl_is_imported_only_when_the_surface_tab_is_shown(findings):
    assert findings["current_tab_at_start"] == "hot"
    assert findings["gl_imported_at_start"] is False
    assert findings["gl_imported_with_hot_tab_shown"] is False
    assert findings["gl_imported_after_showing"] is True


def test_the_3d_view_is_built_and_draws_the_lit_surface(findings):
    assert findings["gl_state"] == "ready", findings["notice_text"]
    assert findings["view_exists"] and not findings["notice_visible"]
    assert findings["painted"] and findings["view_valid"]
    assert findings["gl_version"] >= [2, 1]
    width, height = findings["framebuffer_size"]
    assert width > 200 and height > 200
    assert looks_like_the_surface(findings["framebuffer"]), findings["framebuffer"]


def test_the_window_picture_includes_the_3d_view(findings):
    # What --screenshot saves: the GL view must not be a blank hole in it.
    assert looks_like_the_surface(findings["window_grab"]), findings["window_grab"]


def test_stepping_moves_the_walkers_in_3d(findings):
    assert findings["steps"] == {"gd": 5, "momentum": 5, "adam": 5}
    assert findings["redrawn_after_steps"]
    assert all(findings["walker_lines_visible"].values())
    assert all(findings["balls_visible"].values())
    lo, hi = findings["path_lift"]
    assert 0 < lo <= hi < 0.2  # just above the surface, never inside it


def test_hovering_and_clicking_the_3d_view_find_the_point_under_the_mouse(findings):
    assert findings["hover_text"].startswith("Mouse at x = ")
    # The click aimed at the bowl's bottom (0, 0); the start is rounded to a tenth.
    assert findings["start_after_3d_click"] == [0.0, 0.0]


def test_the_camera_is_saved_and_restored(findings):
    expected = {"elevation": 40.0, "azimuth": 10.0, "distance": 20.0}
    assert findings["camera_in_state"] == expected
    assert findings["camera_restored"] == expected


def test_a_second_3d_view_in_the_same_process_works(findings):
    assert findings["second_view_exists"] and findings["second_painted"]
    assert looks_like_the_surface(findings["second_framebuffer"]), findings["second_framebuffer"]
    assert findings["first_still_draws"]
    assert looks_like_the_surface(findings["first_framebuffer_again"])


def test_no_drawing_errors_were_printed(findings):
    assert "Error while drawing item" not in findings["stderr"]
    assert "Traceback" not in findings["stderr"]


def test_self_test_of_the_surface_tab_passes_with_opengl(tmp_path):
    env = x_environment(tmp_path)
    done = subprocess.run([sys.executable, "-m", "desktop_app", "--tab", "surface",
                           "--self-test"], capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "self-test surface: ok" in done.stdout
    assert done.stdout.strip().endswith("self-test passed")


def test_screenshot_with_opengl_shows_the_surface(tmp_path):
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QImage

    picture = tmp_path / "surface.png"
    env = x_environment(tmp_path)
    done = subprocess.run([sys.executable, "-m", "desktop_app", "--tab", "surface", "--steps",
                           "10", "--screenshot", str(picture)], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    image = QImage(str(picture))
    assert (image.width(), image.height()) == (1280, 800)
    from tests.gl.surface_gl_child import picture_facts

    # The 3-D view sits at the top left of the tab.
    assert looks_like_the_surface(picture_facts(image, QRect(0, 80, 450, 380)))
