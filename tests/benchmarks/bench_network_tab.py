"""Live training speed of the network builder tab, drawing included.

Run from the repository root (offscreen is fine: Qt still paints into its backing store):

    QT_QPA_PLATFORM=offscreen /work/venv/bin/python tests/benchmarks/bench_network_tab.py
    QT_QPA_PLATFORM=offscreen /work/venv/bin/python tests/benchmarks/bench_network_tab.py --quick

It is a script, not a pytest test (speed is never asserted in the suite). The window is
built at 1280 × 800 with the network tab showing; the network is 2-8-8-1 with tanh hidden
layers learning the "circle" set with Adam and the cross-entropy. Every row plays frames
exactly as the tab's timer does — ``epochs per frame`` epochs, then the redraw (decision
heatmap on 64 × 64 points, loss curves, weights; neuron pictures and the collapse panel
every 6th frame) — and then lets Qt paint the window (``processEvents``). Convergence is
switched off so every frame trains.

Columns: training examples, batch size, epochs per frame; frames per second and epochs per
second achieved; milliseconds per frame spent training, redrawing (our code) and painting
(Qt + pyqtgraph). The goal: at least 300 epochs/s while redrawing at 50 frames/s or more.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# One OpenBLAS thread, as the app sets for itself (desktop_app/__init__.py) before NumPy
# loads: this script loads NumPy first.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from PySide6.QtWidgets import QApplication

from desktop_app.app import build_window
from desktop_app.model.network import ConvergenceMonitor

GOAL_FPS, GOAL_EPOCHS = 50.0, 300.0
#: (training examples, batch size, epochs per frame)
CONFIGS = (
    (200, 10, 6),
    (200, 10, 10),
    (200, 32, 10),
    (500, 10, 6),
    (500, 32, 6),
    (500, 32, 10),
    (500, 500, 10),
    (500, 500, 30),
)


def set_up(window, train_points: int, batch: int, epochs: int, landscape: bool) -> None:
    tab = window.tab_by_key("network")
    s = tab.lab.settings
    s.dataset = "circle"
    s.test_ratio = 0.2
    s.points = round(train_points / 0.8)
    s.hidden = (8, 8)
    s.activations = ("tanh", "tanh", "linear")
    s.batch_size = batch
    s.epochs_per_frame = epochs
    tab.views.setCurrentWidget(tab.landscape_panel if landscape else tab.collapse_panel)
    tab.reset()
    tab.lab.monitor = ConvergenceMonitor(patience=10**9, tol=0.0, floor=0.0)
    QApplication.processEvents()
    if landscape:
        tab.landscape_panel.wait()
    assert len(tab.lab.train) == train_points, len(tab.lab.train)


def run(window, frames: int) -> dict:
    tab = window.tab_by_key("network")
    app = QApplication.instance()
    epochs = tab.settings.epochs_per_frame
    lab = tab.lab
    train = redraw = paint = 0.0
    start = time.perf_counter()
    for _ in range(frames):
        t0 = time.perf_counter()
        lab.train_epochs(epochs)
        t1 = time.perf_counter()
        tab._redraw(full=False)
        t2 = time.perf_counter()
        app.processEvents()
        t3 = time.perf_counter()
        train += t1 - t0
        redraw += t2 - t1
        paint += t3 - t2
    total = time.perf_counter() - start
    return {
        "fps": frames / total,
        "eps": frames * epochs / total,
        "train": 1000 * train / frames,
        "redraw": 1000 * redraw / frames,
        "paint": 1000 * paint / frames,
    }


def training_alone(window, frames: int) -> float:
    """Epochs per second of the same lab with nothing drawn: the ceiling for live training."""
    tab = window.tab_by_key("network")
    lab = tab.lab
    epochs = tab.settings.epochs_per_frame
    lab.train_epochs(epochs)  # warm up
    start = time.perf_counter()
    for _ in range(frames):
        lab.train_epochs(epochs)
    return frames * epochs / (time.perf_counter() - start)


def bare_heatmap_fps(size, frames: int) -> float:
    """Frames per second of a bare pyqtgraph plot of ``size`` showing a fresh 64 × 64 image
    each frame, painted the same way: the most any decision-boundary picture could reach."""
    import numpy as np
    import pyqtgraph as pg

    app = QApplication.instance()
    widget = pg.PlotWidget()
    image = pg.ImageItem()
    widget.addItem(image)
    widget.resize(size)
    widget.show()
    app.processEvents()
    grids = [np.random.default_rng(k).random((64, 64)) for k in range(4)]
    for k in range(10):
        image.setImage(grids[k % 4], autoLevels=False, levels=(0.0, 1.0))
        widget.repaint()
        app.processEvents()
    start = time.perf_counter()
    for k in range(frames):
        image.setImage(grids[k % 4], autoLevels=False, levels=(0.0, 1.0))
        widget.repaint()
        app.processEvents()
    fps = frames / (time.perf_counter() - start)
    widget.close()
    app.processEvents()
    return fps


def measure(frames: int = 240, configs=CONFIGS, landscape: bool = False, window=None,
            on_row=None) -> dict:
    """Live training for every (training examples, batch, epochs per frame) in ``configs``,
    each with the same lab's speed when nothing is drawn; ``on_row(row)`` sees each row."""
    own = window is None
    if own:
        window = build_window(["--tab", "network"])
        window.resize(1280, 800)
        window.show()
        QApplication.processEvents()
    else:
        window.show_tab("network")
    rows = []
    for points, batch, epochs in configs:
        set_up(window, points, batch, epochs, landscape)
        run(window, 10)  # warm up: caches, first paints
        r = run(window, frames)
        r.update(points=points, batch=batch, epochs_per_frame=epochs,
                 alone_eps=training_alone(window, max(10, frames // 4)))
        r["met"] = r["fps"] >= GOAL_FPS and r["eps"] >= GOAL_EPOCHS
        rows.append(r)
        if on_row is not None:
            on_row(r)
    data_plot = window.tab_by_key("network").data_plot
    result = {
        "frames": frames,
        "platform": os.environ.get("QT_QPA_PLATFORM"),
        "landscape": landscape,
        "data_plot_size": [data_plot.width(), data_plot.height()],
        "bare_heatmap_fps": bare_heatmap_fps(data_plot.size(), max(30, frames // 2)),
        "goal_fps": GOAL_FPS,
        "goal_eps": GOAL_EPOCHS,
        "rows": rows,
    }
    if own:
        window.close()
    return result


def _print_row(r: dict) -> None:
    print(f"{r['points']:>9} {r['batch']:>6} {r['epochs_per_frame']:>8} {r['fps']:>9.1f} "
          f"{r['eps']:>9.0f} {r['train']:>9.2f} {r['redraw']:>10.2f} {r['paint']:>9.2f}  "
          f"{'met' if r['met'] else 'missed'}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer frames per row")
    parser.add_argument("--landscape", action="store_true",
                        help="show the loss landscape (its path follows training) instead "
                             "of the collapse panel")
    args = parser.parse_args()
    frames = 60 if args.quick else 240

    window = build_window(["--tab", "network"])
    window.resize(1280, 800)
    window.show()
    QApplication.processEvents()

    print(f"network builder, 2-8-8-1 tanh, circle, Adam, cross-entropy; {frames} frames per "
          f"row; window 1280×800, QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM')}"
          f"{'; landscape shown' if args.landscape else ''}")
    header = (f"{'train pts':>9} {'batch':>6} {'ep/frame':>8} {'frames/s':>9} {'epochs/s':>9} "
              f"{'train ms':>9} {'redraw ms':>10} {'paint ms':>9}  goal")
    print(header)
    print("-" * len(header))
    measure(frames, CONFIGS, args.landscape, window=window, on_row=_print_row)
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
