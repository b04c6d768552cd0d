"""Two slices through the current point: f(x, y₀) and f(x₀, y), each with its tangent line.

The slope of the tangent along x is ∂f/∂x, along y it is ∂f/∂y: the two numbers that
make the gradient. All items are created once and fed with setData.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.ui import theme
from desktop_app.ui.plot_marks import Dot, Segment
from desktop_app.ui.plot_range import set_range_now
from desktop_app.ui.quiet_box import QuietBox

SLICE_COLOR = theme.CURVE
TANGENT_COLOR = "#1b7837"
POINT_COLOR = "#222222"
#: A slice's height range is kept while the curve stays inside it and fills at least this
#: share of it: a new range every step would redraw the numbers on the axis every frame
#: and make them flicker too fast to read.
MIN_FILL = 0.4
#: A new range leaves this share of the curve's height free above and below it: a walker
#: going downhill keeps lowering its slices, and each new range redraws the whole plot.
ROOM = 0.2


def stepped_range(lo: float, hi: float, pad: float, shown: tuple[float, float] | None
                  ) -> tuple[float, float]:
    """The height range for a curve from ``lo`` to ``hi``: ``shown`` while it still fits,
    else lo − pad .. hi + pad with ``ROOM`` to spare, widened outwards to round numbers."""
    span = (hi + pad) - (lo - pad)
    room = ROOM * (hi - lo) if math.isfinite(hi - lo) else 0.0
    wanted = (lo - pad - room, hi + pad + room)
    if shown is not None:
        shown_lo, shown_hi = shown
        if shown_lo <= lo and hi <= shown_hi and MIN_FILL * (shown_hi - shown_lo) <= span:
            return shown
    if not (math.isfinite(span) and span > 0):
        return wanted
    unit = 10.0 ** math.floor(math.log10((wanted[1] - wanted[0]) / 4))
    stepped = (math.floor(wanted[0] / unit) * unit, math.ceil(wanted[1] / unit) * unit)
    return stepped if all(math.isfinite(v) for v in stepped) else wanted


class _Slice(QWidget):
    def __init__(self, axis: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        other = "y" if axis == "x" else "x"
        self.axis = axis
        self.info = QLabel()
        self.info.setObjectName(f"slice_{axis}_info")
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.plot = pg.PlotWidget(background=theme.BACKGROUND)
        self.plot.setObjectName(f"slice_{axis}")
        self.plot.setAccessibleName(f"Slice of the surface along {axis}, with {other} held fixed")
        item = self.plot.getPlotItem()
        theme.style_plot(item, axis, "f")
        item.setMouseEnabled(x=False, y=False)
        self.view_box = item.getViewBox()
        self.view_box.disableAutoRange()
        self.plot.setMinimumHeight(120)
        # Plain curve and line items: the slices change on every frame of a race, and a
        # PlotDataItem's bookkeeping doubled the cost of each new set of points.
        self.curve = pg.PlotCurveItem(pen=pg.mkPen(SLICE_COLOR, width=2.5))
        item.addItem(self.curve)
        self.tangent = Segment(pg.mkPen(TANGENT_COLOR, width=2.5, style=Qt.PenStyle.DashLine))
        item.addItem(self.tangent)
        self.point = Dot(10, POINT_COLOR, pg.mkPen("w", width=1))
        item.addItem(self.point)
        # What was last handed to each item: setting the same again still redraws it (and a
        # view range set again redraws both axes).
        self._shown: dict[str, object] = {}
        self._heights: tuple[float, float] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(QuietBox(self.info))
        layout.addWidget(self.plot, 1)

    def _changed(self, key: str, value) -> bool:
        old = self._shown.get(key)
        same = (old is not None and len(old) == len(value)
                and all(np.array_equal(a, b) for a, b in zip(old, value, strict=True)))
        if not same:
            self._shown[key] = value
        return not same

    def show_slice(self, t: np.ndarray, heights: np.ndarray, here: tuple[float, float],
                   tangent: tuple[np.ndarray, np.ndarray], info: str | None = None) -> None:
        # Where f or its slope is undefined there is nothing to draw (and NaN must never
        # reach Qt's painter).
        if self._changed("curve", (t, heights)):
            self.curve.setData(t, heights, connect="finite")
        self.tangent.set_points(*tangent)
        self.point.set_point(here)
        if info is not None:
            self.show_info(info)
        finite = heights[np.isfinite(heights)]
        if finite.size:
            lo, hi = float(finite.min()), float(finite.max())
            if np.isfinite(here[1]):
                lo, hi = min(lo, here[1]), max(hi, here[1])
            pad = 0.08 * (hi - lo) if hi > lo else max(1.0, abs(hi) * 0.1)
            self._heights = stepped_range(lo, hi, pad, self._heights)
            view = ((float(t[0]), float(t[-1])), self._heights)
            if self._changed("range", view):
                set_range_now(self.view_box, *view)


    def show_info(self, info: str) -> None:
        if self.info.text() != info:
            self.info.setText(info)


class SlicesPanel(QWidget):
    """Both slices side by side."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("slices")
        self.along_x = _Slice("x")
        self.along_y = _Slice("y")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.along_x)
        layout.addWidget(self.along_y)
