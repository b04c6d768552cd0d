"""resources/ is found from a checkout and travels inside the wheel."""

import subprocess
import sys
import zipfile
from pathlib import Path

from desktop_app import paths

ROOT = Path(__file__).resolve().parents[2]


def test_resources_are_found_in_a_checkout():
    assert paths.resources_dir() == ROOT / "resources"
    assert paths.resource("icons", "app.svg").is_file()


def test_a_frozen_build_looks_beside_the_executable(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resources_dir() == tmp_path / "resources"


def test_the_wheel_carries_the_resources_but_not_the_readme_pictures(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    wheel = next(tmp_path.glob("deep_learning_made_simple-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "desktop_app/resources/icons/app.svg" in names
    assert "desktop_app/model/hot_cold.py" in names
    assert not [n for n in names if "screenshots" in n]
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "deep-learning-made-simple = desktop_app.app:main" in text
