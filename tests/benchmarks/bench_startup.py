"""Cold start: from a new process to the first painted main window, against a bare Qt window.

Run by hand, never part of the test suite (no ``test_`` prefix)::

    /work/venv/bin/python tests/benchmarks/bench_startup.py [--runs 9] [--platform offscreen]

Each run starts a fresh Python process. The child notes the wall-clock time when its
window receives its first Paint event and prints it; the parent subtracts the moment
it started the child. The baseline is a bare PySide6 QWidget of the same size, measured
in the same run, so the ratio is what counts on this noisy machine (target: ≤ 3×).
The table also says which heavy modules the app had imported by its first paint.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

FIRST_PAINT = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
{build}
class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            heavy = [m for m in ("pyqtgraph.opengl", "OpenGL.GL", "torch", "sklearn", "scipy")
                     if m in sys.modules]
            print(repr(time.time()), ",".join(heavy) or "-", flush=True)
            QTimer.singleShot(0, QApplication.instance().quit)
        return False
spy = FirstPaint()
window.installEventFilter(spy)
window.resize(1280, 800)
window.show()
app.exec()
"""

BARE = """
from PySide6.QtWidgets import QWidget
app = QApplication(sys.argv[:1])
window = QWidget()
"""

APP = """
from desktop_app.app import build_window
window = build_window([])
app = QApplication.instance()
"""


def first_paint_seconds(build: str, platform: str) -> tuple[float, str]:
    env = dict(os.environ, QT_QPA_PLATFORM=platform)
    started = time.time()
    done = subprocess.run([sys.executable, "-c", FIRST_PAINT.format(build=build)],
                          capture_output=True, text=True, env=env, timeout=120, check=True)
    stamp, heavy = done.stdout.split()
    return float(stamp) - started, heavy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--platform", default="offscreen")
    args = parser.parse_args()
    first_paint_seconds(APP, args.platform)  # warm the file cache once, unmeasured
    bare, app, heavy = [], [], "-"
    for _ in range(args.runs):  # interleaved, so a busy moment hits both sides alike
        bare.append(first_paint_seconds(BARE, args.platform)[0])
        seconds, heavy = first_paint_seconds(APP, args.platform)
        app.append(seconds)
    b, a = statistics.median(bare), statistics.median(app)
    print(f"cold start to first paint, {args.runs} runs each, platform {args.platform}")
    print(f"{'what':<34}{'median s':>10}{'min s':>9}{'ratio':>8}")
    print(f"{'bare PySide6 window (baseline)':<34}{b:>10.3f}{min(bare):>9.3f}{1.0:>8.2f}")
    print(f"{'Deep Learning Made Simple':<34}{a:>10.3f}{min(app):>9.3f}{a / b:>8.2f}")
    print(f"heavy modules imported by the first paint: {heavy}")


if __name__ == "__main__":
    main()
