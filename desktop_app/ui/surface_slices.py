"""Two slices through the current point: f(x, y₀) and f(x₀, y), each with its tangent line.

The slope of the tangent along x is ∂f/∂x, along y it is ∂f/∂y: the two numbers that
make the gradient. All items are created once and fed with setData.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.ui import theme

SLICE_COLOR = theme.CURVE
TANGENT_COLOR = "#1b7837"
POINT_COLOR = "#222222"


class QuietLabel(QWidget):
    """Holds one word-wrapped ``label`` and relays out its parents only when its size changes.

    A QLabel asks every layout up to the window to be redone on each new text, even when
    the text fills the same lines: while a race plays that cost several milliseconds a
    frame. Here the label has no layout above it; this holder takes the label's size
    hints, keeps the label over its whole area, and passes a layout request on only when
    those hints differ from the ones the layout last used.
    """

    def __init__(self, label: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        label.setParent(self)
        self.setSizePolicy(label.sizePolicy())
        self.setVisible(not label.isHidden())
        self._hints = self._current_hints()
        # A hidden label (a teacher's focus mode) must leave no gap: the holder hides too.
        label.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if watched is self.label:
            if event.type() == QEvent.Type.HideToParent:
                self.hide()
            elif event.type() == QEvent.Type.ShowToParent:
                self.show()
        return False

    def _current_hints(self) -> tuple:
        label = self.label
        return (label.sizeHint(), label.minimumSizeHint(), label.heightForWidth(self.width()))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return self.label.sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return self.label.minimumSizeHint()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt name)
        return self.label.hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt name)
        return self.label.heightForWidth(width)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self.label.setGeometry(self.rect())
        self._hints = self._current_hints()

    def _follow_label(self) -> None:
        self.setSizePolicy(self.label.sizePolicy())
        hints = self._current_hints()
        if hints != self._hints:
            self._hints = hints
            self.updateGeometry()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        # A hidden label's changes (new text, a bigger font) sent no layout request.
        self._follow_label()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self._follow_label()
            return True
        return super().event(event)


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
        self.curve = item.plot(pen=pg.mkPen(SLICE_COLOR, width=2.5))
        self.tangent = item.plot(pen=pg.mkPen(TANGENT_COLOR, width=2.5,
                                              style=Qt.PenStyle.DashLine))
        self.point = pg.ScatterPlotItem(size=10, brush=POINT_COLOR, pen=pg.mkPen("w", width=1))
        item.addItem(self.point)
        # What was last handed to each item: setting the same again still redraws it (and a
        # view range set again redraws both axes).
        self._shown: dict[str, object] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(QuietLabel(self.info))
        layout.addWidget(self.plot, 1)

    def _changed(self, key: str, value) -> bool:
        old = self._shown.get(key)
        same = (old is not None and len(old) == len(value)
                and all(np.array_equal(a, b) for a, b in zip(old, value, strict=True)))
        if not same:
            self._shown[key] = value
        return not same

    def show_slice(self, t: np.ndarray, heights: np.ndarray, here: tuple[float, float],
                   tangent: tuple[np.ndarray, np.ndarray], info: str) -> None:
        # Where f or its slope is undefined there is nothing to draw (and NaN must never
        # reach Qt's painter).
        if self._changed("curve", (t, heights)):
            self.curve.setData(t, heights, connect="finite")
        tangent_t, tangent_z = tangent
        if not np.all(np.isfinite(tangent_z)):
            tangent = ([], [])
        if self._changed("tangent", tangent):
            self.tangent.setData(*tangent)
        spot = ([here[0]], [here[1]]) if np.all(np.isfinite(here)) else ([], [])
        if self._changed("point", spot):
            self.point.setData(*spot)
        if self.info.text() != info:
            self.info.setText(info)
        finite = heights[np.isfinite(heights)]
        if finite.size:
            lo, hi = float(finite.min()), float(finite.max())
            if np.isfinite(here[1]):
                lo, hi = min(lo, here[1]), max(hi, here[1])
            pad = 0.08 * (hi - lo) if hi > lo else max(1.0, abs(hi) * 0.1)
            view = ((float(t[0]), float(t[-1])), (lo - pad, hi + pad))
            if self._changed("range", view):
                self.view_box.setRange(xRange=view[0], yRange=view[1], padding=0)
                # pyqtgraph moves the items to the new range only when it starts painting,
                # and that move makes Qt paint the whole plot a second time: move them now.
                self.view_box.updateMatrix()


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
