"""Two slices through the current point: f(x, y₀) and f(x₀, y), each with its tangent line.

The slope of the tangent along x is ∂f/∂x, along y it is ∂f/∂y: the two numbers that
make the gradient. All items are created once and fed with setData.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.ui import theme

SLICE_COLOR = theme.CURVE
TANGENT_COLOR = "#1b7837"
POINT_COLOR = "#222222"


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
        item.getViewBox().disableAutoRange()
        self.plot.setMinimumHeight(120)
        self.curve = item.plot(pen=pg.mkPen(SLICE_COLOR, width=2.5))
        self.tangent = item.plot(pen=pg.mkPen(TANGENT_COLOR, width=2.5,
                                              style=Qt.PenStyle.DashLine))
        self.point = pg.ScatterPlotItem(size=10, brush=POINT_COLOR, pen=pg.mkPen("w", width=1))
        item.addItem(self.point)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.info)
        layout.addWidget(self.plot, 1)

    def show_slice(self, t: np.ndarray, heights: np.ndarray, here: tuple[float, float],
                   tangent: tuple[np.ndarray, np.ndarray], info: str) -> None:
        # Where f or its slope is undefined there is nothing to draw (and NaN must never
        # reach Qt's painter).
        self.curve.setData(t, heights, connect="finite")
        tangent_t, tangent_z = tangent
        if np.all(np.isfinite(tangent_z)):
            self.tangent.setData(tangent_t, tangent_z)
        else:
            self.tangent.setData([], [])
        if np.all(np.isfinite(here)):
            self.point.setData([here[0]], [here[1]])
        else:
            self.point.setData([], [])
        self.info.setText(info)
        finite = heights[np.isfinite(heights)]
        if finite.size:
            lo, hi = float(finite.min()), float(finite.max())
            if np.isfinite(here[1]):
                lo, hi = min(lo, here[1]), max(hi, here[1])
            pad = 0.08 * (hi - lo) if hi > lo else max(1.0, abs(hi) * 0.1)
            self.plot.getPlotItem().getViewBox().setRange(
                xRange=(float(t[0]), float(t[-1])), yRange=(lo - pad, hi + pad), padding=0)


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
