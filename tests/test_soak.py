"""A short soak: thousands of animated paints in a child process.

PySide6 6.12.0 kills animated pyqtgraph apps with "Fatal Python error: none_dealloc"
within a few thousand paints; a child process lets this test see such a crash as an
exit code instead of taking the test run down with it.
"""

import os
import subprocess
import sys

PAINTS = 3000

CHILD = f"""
from PySide6.QtWidgets import QApplication
from desktop_app.app import build_window
window = build_window([])
window.resize(1280, 800)
window.show()
app = QApplication.instance()
tab = window.current_tab()
tab.params.halve_when_stuck = True
for paint in range({PAINTS}):
    if tab.game.done:
        tab.reset()
    tab.step()
    tab.plot.repaint()
    app.processEvents()
print("painted", {PAINTS})
"""


def test_thousands_of_animated_paints_do_not_crash():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                          env=env, timeout=600)
    assert "Fatal Python error" not in done.stderr
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == f"painted {PAINTS}"
