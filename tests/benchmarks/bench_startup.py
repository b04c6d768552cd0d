"""Cold start: from a new process to the first painted main window, against a bare Qt window.

Run by hand, never part of the test suite (no ``test_`` prefix)::

    /work/venv/bin/python tests/benchmarks/bench_startup.py [--runs 9] [--platform offscreen]

Each run starts a fresh Python process, with a throw-away home (no remembered settings).
The child notes the wall-clock time when its window receives its first Paint event, and
when the first widget inside the tab being shown is painted; the parent subtracts the
moment it started the child. The app starts as ``python -m desktop_app`` does: the frame
first, the playback bar, lesson and tab right after its first paint. The baseline is a
bare PySide6 QWidget of the same size, measured in the same run, so the ratio is what
counts on this noisy machine (target for the first paint: ≤ 3×). The table also says
which heavy modules the app had imported by its first paint.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

FIRST_PAINT = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
{build}
HEAVY = ("pyqtgraph", "numpy", "pyqtgraph.opengl", "OpenGL.GL", "torch", "sklearn", "scipy")
class Paints(QObject):
    # The frame's first paint, then the first paint inside the tab shown (the window
    # as a whole is "ready" then); for the bare window both are its own first paint.
    frame = None
    def eventFilter(self, obj, event):
        if event.type() != QEvent.Type.Paint:
            return False
        if self.frame is None and obj is window:
            self.frame = repr(time.time())
            self.heavy = ",".join(m for m in HEAVY if m in sys.modules) or "-"
        page = tab_page()
        if self.frame is not None and page is not None and (
                obj is page or page.isAncestorOf(obj)):
            print(self.frame, repr(time.time()), self.heavy, flush=True)
            app.removeEventFilter(self)
            QTimer.singleShot(0, app.quit)
        return False
spy = Paints()
app.installEventFilter(spy)
window.resize(1280, 800)
window.show()
app.exec()
"""

BARE = """
from PySide6.QtWidgets import QWidget
app = QApplication(sys.argv[:1])
window = QWidget()
tab_page = lambda: window
"""

# The app exactly as it starts: the frame first, the rest after its first paint.
APP = """
from desktop_app.app import application, build_frame
app = application()
window = build_frame([])
def tab_page():
    return window.tabs.currentWidget().page
"""


def first_paint_seconds(build: str, platform: str) -> tuple[float, float, str]:
    """(seconds to the frame's first paint, seconds to the tab's first paint, heavy modules
    loaded by the first paint), from the moment the process was started."""
    with tempfile.TemporaryDirectory(prefix="dlms-bench-home-") as home:
        # A throw-away home: no remembered tab or lesson changes what is measured.
        env = dict(os.environ, QT_QPA_PLATFORM=platform, XDG_CONFIG_HOME=home,
                   XDG_DATA_HOME=home, XDG_CACHE_HOME=home)
        started = time.time()
        done = subprocess.run([sys.executable, "-c", FIRST_PAINT.format(build=build)],
                              capture_output=True, text=True, env=env, timeout=120,
                              check=True)
    frame, tab, heavy = done.stdout.split()
    return float(frame) - started, float(tab) - started, heavy


def measure(runs: int = 9, platform: str = "offscreen") -> dict:
    """Seconds to the first paint, ``runs`` times each for the app and the bare window."""
    first_paint_seconds(APP, platform)  # warm the file cache once, unmeasured
    bare, app, ready, heavy = [], [], [], "-"
    for _ in range(runs):  # interleaved, so a busy moment hits both sides alike
        bare.append(first_paint_seconds(BARE, platform)[0])
        frame, tab, heavy = first_paint_seconds(APP, platform)
        app.append(frame)
        ready.append(tab)
    b, a, r = statistics.median(bare), statistics.median(app), statistics.median(ready)
    return {"runs": runs, "platform": platform, "bare_s": bare, "app_s": app,
            "ready_s": ready, "bare_median_s": b, "app_median_s": a, "ready_median_s": r,
            "ratio": a / b, "ready_ratio": r / b, "heavy_modules": heavy}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--platform", default="offscreen")
    args = parser.parse_args()
    r = measure(args.runs, args.platform)
    b = r["bare_median_s"]
    print(f"cold start, {args.runs} runs each, platform {args.platform}")
    print(f"{'what':<44}{'median s':>10}{'min s':>9}{'ratio':>8}")
    print(f"{'bare PySide6 window, first paint (baseline)':<44}{b:>10.3f}"
          f"{min(r['bare_s']):>9.3f}{1.0:>8.2f}")
    for label, key in (("app: frame, first paint", "app"), ("app: first tab drawn", "ready")):
        median = r[f"{key}_median_s"]
        print(f"{label:<44}{median:>10.3f}{min(r[f'{key}_s']):>9.3f}{median / b:>8.2f}")
    print(f"modules loaded by the frame's first paint: {r['heavy_modules']}")


if __name__ == "__main__":
    main()
