"""Refuse, before Qt is loaded, the Qt for Python releases known to crash this app.

PySide6 6.12.0 kills animated pyqtgraph windows within a few thousand repaints ("Fatal
Python error: none_dealloc"), which in a classroom looks like the app vanishing mid-lesson.
The version is read from the installed package's metadata, so this check imports nothing
from Qt: a binding that crashes must not get the chance to.
"""

from __future__ import annotations

from importlib import metadata

__all__ = ["BAD_VERSIONS", "installed_version", "problem"]

#: Releases that crash the app, with what goes wrong, in a user's words.
BAD_VERSIONS: dict[str, str] = {
    "6.12.0": "crashes animated views",
}

#: The releases known to work, as a pip requirement and in words.
GOOD_RANGE = "PySide6-Essentials>=6.9,<6.12"
GOOD_WORDS = "from 6.9 to 6.11"

# The app depends on PySide6-Essentials; the full PySide6 bundle installs it too.
_DISTRIBUTIONS = ("PySide6-Essentials", "PySide6")


def installed_version() -> str | None:
    """The installed Qt for Python version, or None when it cannot be told."""
    for name in _DISTRIBUTIONS:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    try:
        # A frozen build may carry no package metadata; the package itself knows.
        import PySide6
    except ImportError:
        return None
    return getattr(PySide6, "__version__", None)


def problem(version: str | None) -> str | None:
    """What is wrong with this Qt for Python version, in plain words; None when it is fine."""
    if version is None:
        return None
    what = BAD_VERSIONS.get(version.strip())
    if what is None:
        return None
    return (f"This version of Qt for Python (PySide6 {version.strip()}) {what}. "
            f"Please install a version {GOOD_WORDS}: pip install '{GOOD_RANGE}'.")
