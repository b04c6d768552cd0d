"""The script PyInstaller freezes into the ``deep-learning-made-simple`` executable.

It runs the app exactly as ``python -m desktop_app`` does. One addition, for the smoke
test only: with ``DLMS_PACKAGING_PROBE=opengl`` in the environment it runs
``gl_probe.py`` instead, which draws a pyqtgraph.opengl surface, so the frozen OpenGL
stack (QtOpenGL, QtOpenGLWidgets, PyOpenGL, the system libGL) is checked even before
the app has a 3-D tab that --self-test would open.
"""

import os
import sys

PROBE_VARIABLE = "DLMS_PACKAGING_PROBE"


def coerce_c_locale() -> None:
    """Do what ``python`` itself does at start-up in the C locale (PEP 538).

    Started with no locale at all (``env -i``, some session managers), the interpreter
    coerces LC_CTYPE to C.UTF-8; a frozen app does not, and Qt then prints a four-line
    warning before switching to C.UTF-8 itself. Same result, quietly.
    """
    import locale

    if sys.platform.startswith("linux") and "LC_ALL" not in os.environ:
        if locale.setlocale(locale.LC_CTYPE) in ("C", "POSIX"):
            os.environ["LC_CTYPE"] = "C.UTF-8"


def run() -> int:
    coerce_c_locale()
    if os.environ.get(PROBE_VARIABLE) == "opengl":
        import gl_probe

        return gl_probe.main()
    from desktop_app.app import main

    return main()


if __name__ == "__main__":
    sys.exit(run())
