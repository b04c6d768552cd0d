"""Where the bundled resources are, whichever way the app was started.

Three layouts exist: a source checkout (resources/ beside desktop_app/), an installed
wheel (resources installed as the package desktop_app.resources) and a PyInstaller
build (everything unpacked below sys._MEIPASS).
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root) / "resources"
    checkout = _PACKAGE_DIR.parent / "resources"
    if checkout.is_dir():
        return checkout
    return _PACKAGE_DIR / "resources"


def resource(*parts: str) -> Path:
    """Path of a bundled file, e.g. resource("icons", "app.svg")."""
    return resources_dir().joinpath(*parts)
