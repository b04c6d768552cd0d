"""The loss landscape: the training loss over a grid of two chosen weights, with the path
the network's own training took through them.

Working out a landscape can take half a second (a weight of the first layer moves every
layer after it), so it runs in a worker thread on *copies* of the network and the
examples, and the window stays responsive; a light timer looks for the result. It is
worked out again only when the student picks other weights, presses Refresh, or the
network is rebuilt; never per frame. Only the path and the current point follow training.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.model.network_lab import Landscape
from desktop_app.ui import theme
from desktop_app.ui.network_plots import Isocurve, cache_axes
from desktop_app.ui.plot_range import set_range_now
from desktop_app.ui.text_format import number

CONTOURS = 8
PATH_COLOUR = "#1f78b4"
POLL_MS = 30

_EXECUTOR: concurrent.futures.ThreadPoolExecutor | None = None


def _executor() -> concurrent.futures.ThreadPoolExecutor:
    global _EXECUTOR
    if _EXECUTOR is None:
        _EXECUTOR = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="loss-landscape")
    return _EXECUTOR


def shown_values(loss: np.ndarray) -> np.ndarray:
    """What the colours show: log₁₀ of the loss (the interesting low part gets room)."""
    with np.errstate(all="ignore"):
        values = np.log10(np.maximum(np.asarray(loss, dtype=np.float64), 1e-12))
    finite = values[np.isfinite(values)]
    top = float(finite.max()) if finite.size else 0.0
    return np.nan_to_num(values, nan=top, posinf=top, neginf=top)


class LandscapePanel(QWidget):
    """Two weight menus, a Refresh button, and the picture."""

    #: (index a, index b): the student picked other weights or pressed Refresh.
    requested = Signal(int, int)
    #: A landscape is ready and drawn.
    ready = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("landscape_panel")
        self.landscape: Landscape | None = None
        self.stale = True
        self._future: concurrent.futures.Future | None = None
        self._generation = 0
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._check)

        self.weight_a = QComboBox()
        self.weight_a.setObjectName("weight_a")
        self.weight_a.setAccessibleName("First weight of the landscape (across)")
        self.weight_b = QComboBox()
        self.weight_b.setObjectName("weight_b")
        self.weight_b.setAccessibleName("Second weight of the landscape (up)")
        for combo in (self.weight_a, self.weight_b):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
            combo.activated.connect(self._on_pick)
        self.refresh = QPushButton("Refresh")
        self.refresh.setObjectName("landscape_refresh")
        self.refresh.setAccessibleName("Work out the landscape again around the weights now")
        self.refresh.setToolTip("Draw the landscape again around the weights as they are now")
        self.refresh.clicked.connect(self.request)
        self.status_label = QLabel()
        self.status_label.setObjectName("landscape_status")
        self.status_label.setWordWrap(True)

        self.plot = pg.PlotWidget(background=theme.BACKGROUND)
        self.plot.setObjectName("landscape")
        self.plot.setAccessibleName("Loss landscape over two weights, with the training path")
        item = self.plot.getPlotItem()
        theme.style_plot(item, "weight a", "weight b")
        cache_axes(item)
        item.setMouseEnabled(x=False, y=False)
        self.image = pg.ImageItem(axisOrder="col-major")
        self.image.setColorMap(theme.surface_colormap())
        item.addItem(self.image)
        self.contours = []
        for _ in range(CONTOURS):
            iso = Isocurve(level=0.0, pen=pg.mkPen(255, 255, 255, 120, width=1),
                           axisOrder="col-major")
            iso.setParentItem(self.image)
            self.contours.append(iso)
        self.path_halo = item.plot(pen=pg.mkPen("w", width=4))
        self.path = item.plot(pen=pg.mkPen(PATH_COLOUR, width=2))
        self.start_dot = pg.ScatterPlotItem(size=9, brush=pg.mkBrush("w"),
                                        pen=pg.mkPen(PATH_COLOUR, width=2))
        self.current = pg.ScatterPlotItem(size=16, symbol="star", brush=pg.mkBrush(PATH_COLOUR),
                                          pen=pg.mkPen("w", width=1))
        for dot in (self.start_dot, self.current):
            dot.setZValue(10)
            item.addItem(dot)

        row = QHBoxLayout()
        row.addWidget(QLabel("across"))
        row.addWidget(self.weight_a, 1)
        row.addWidget(QLabel("up"))
        row.addWidget(self.weight_b, 1)
        row.addWidget(self.refresh)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(3)
        layout.addLayout(row)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.status_label)

    # -- choices ---------------------------------------------------------------------------
    def set_names(self, names: list[str], a: int, b: int) -> None:
        for combo, pick in ((self.weight_a, a), (self.weight_b, b)):
            combo.blockSignals(True)
            combo.clear()
            for index, name in enumerate(names):
                combo.addItem(name, index)
            combo.setCurrentIndex(pick)
            combo.blockSignals(False)

    def pick(self) -> tuple[int, int]:
        return int(self.weight_a.currentIndex()), int(self.weight_b.currentIndex())

    def set_pick(self, a: int, b: int) -> None:
        self.weight_a.setCurrentIndex(a)
        self.weight_b.setCurrentIndex(b)
        self._on_pick()

    def _on_pick(self, *_args) -> None:
        a, b = self.pick()
        if a == b:
            self.status_label.setText("Pick two different weights.")
            return
        self.request()

    def request(self) -> None:
        """Ask the tab for a new landscape of the picked weights."""
        a, b = self.pick()
        if a < 0 or b < 0 or a == b:
            return
        self.requested.emit(a, b)

    # -- working it out ----------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._future is not None

    def start(self, job: Callable[[], Landscape]) -> None:
        """Run ``job`` in the worker thread; a newer job makes older results be ignored."""
        self._generation += 1
        self.stale = False
        if self._future is not None:
            self._future.cancel()  # not started yet: never runs; running: its result is ignored
        self._future = _executor().submit(job)
        self._future_generation = self._generation
        self.status_label.setText("Working out the landscape…")
        self._poll.start()

    def _check(self) -> None:
        future = self._future
        if future is None:
            self._poll.stop()
            return
        if not future.done():
            return
        self._future = None
        self._poll.stop()
        if self._future_generation != self._generation:
            return
        error = future.exception()
        if error is not None:
            self.status_label.setText(f"The landscape could not be drawn: {error}")
            return
        self.show_landscape(future.result())

    def wait(self, timeout: float = 30.0) -> None:
        """Block until the running job is done and drawn (for tools and benchmarks)."""
        if self._future is not None:
            concurrent.futures.wait([self._future], timeout=timeout)
            self._check()

    def show_landscape(self, landscape: Landscape) -> None:
        self.landscape = landscape
        va, vb = landscape.values_a, landscape.values_b
        values = shown_values(landscape.loss)
        lo, hi = float(values.min()), float(values.max())
        if hi <= lo:
            hi = lo + 1.0
        self.image.setImage(values, autoLevels=False, levels=(lo, hi))
        da = (va[-1] - va[0]) / max(va.size - 1, 1)
        db = (vb[-1] - vb[0]) / max(vb.size - 1, 1)
        self.image.setRect(QRectF(va[0] - da / 2, vb[0] - db / 2, va[-1] - va[0] + da,
                                  vb[-1] - vb[0] + db))
        for k, iso in enumerate(self.contours, start=1):
            iso.setLevel(lo + (hi - lo) * k / (CONTOURS + 1))
            iso.setData(values)
        item = self.plot.getPlotItem()
        item.setLabel("bottom", self.weight_a.currentText())
        item.setLabel("left", self.weight_b.currentText())
        set_range_now(item.getViewBox(), (va[0], va[-1]), (vb[0], vb[-1]))
        self.status_label.setText(
            f"Loss over {va.size} × {vb.size} values of the two weights, every other weight "
            f"as it was at epoch {landscape.epoch} (dark red = low, light yellow = high). "
            f"Here: {number(landscape.centre_loss, 4)}. Press Refresh to draw it again around "
            "the weights now.")
        self.ready.emit()

    def show_path(self, path: np.ndarray) -> None:
        """The two weights after every epoch, the newest last."""
        if path.shape[0] == 0:
            return
        pts = np.nan_to_num(path)
        self.path_halo.setData(pts[:, 0], pts[:, 1])
        self.path.setData(pts[:, 0], pts[:, 1])
        self.start_dot.setData([pts[0, 0]], [pts[0, 1]])
        self.current.setData([pts[-1, 0]], [pts[-1, 1]])

    def clear(self) -> None:
        self.landscape = None
        self.stale = True
        self._generation += 1
        self.image.clear()
        for iso in self.contours:
            iso.setData(None)

