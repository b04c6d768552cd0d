"""Grid lines under a plot's data, all drawn by one small item.

pyqtgraph's own grid (``showGrid``) stretches the axes' tick lines across the plot, so any
frame that changes something inside the plot repaints both axes, text and all: at
864 × 660 offscreen a frame took 10 ms with that grid and 2 ms without. Here one item
draws the lines at the axes' ticks, each tick level in its own faintness, and draws them
anew whenever the view range or size changes.

Why one plain item with solid colours: a plot repaints its grid under anything that
moves. See-through lines made that cost 0.5 ms a frame, curves per level kept as Qt's
cached pixels cost 3 ms whenever the range changed; a few dozen solid lines drawn
directly cost a few hundredths of a millisecond.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF

from desktop_app.ui import theme

#: How many tick levels get lines: the major ticks and the first minor ones.
LEVELS = 2


class GridItem(pg.GraphicsObject):
    """Lines in data coordinates, in groups that each have their own pen."""

    is_grid = True  # presenter mode leaves grid lines thin

    def __init__(self) -> None:
        super().__init__()
        self._groups: list[tuple[object, list[QLineF]]] = []
        self._rect = QRectF()

    def set_lines(self, groups, rect: QRectF) -> None:
        """``groups``: (pen, [QLineF, ...]) pairs; ``rect``: what the lines cover."""
        self.prepareGeometryChange()
        self._groups = groups
        self._rect = QRectF(rect)
        self.update()

    def line_count(self) -> int:
        return sum(len(lines) for _pen, lines in self._groups)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt name)
        return self._rect

    def paint(self, painter, *_args) -> None:
        for pen, lines in self._groups:
            if lines:
                painter.setPen(pen)
                painter.drawLines(lines)


class GridLines:
    """Light lines at the tick values of ``plot_item``'s bottom (x) and left (y) axes."""

    def __init__(self, plot_item: pg.PlotItem, x: bool = True, y: bool = True,
                 alpha: float = theme.GRID_ALPHA) -> None:
        self.plot_item = plot_item
        self.alpha = alpha
        self.axes = [name for name, on in (("bottom", x), ("left", y)) if on]
        view = plot_item.getViewBox()
        self.item = GridItem()
        view.addItem(self.item, ignoreBounds=True)
        # Under everything the plot shows; set after adding, which lifts anything lower to
        # just above the view box itself (-99).
        self.item.setZValue(-1000)
        self._drawn_for: tuple | None = None  # the range and size the lines were drawn for
        view.sigRangeChanged.connect(self.update)
        view.sigResized.connect(self.update)
        self.update()

    def update(self, *_args) -> None:
        view = self.plot_item.getViewBox()
        (x0, x1), (y0, y1) = view.viewRange()
        spans = {"bottom": (x0, x1, view.width()), "left": (y0, y1, view.height())}
        # Lines across x depend on the y range too, and the other way round.
        key = ((x0, x1), (y0, y1), view.width(), view.height())
        if key == self._drawn_for:
            return
        self._drawn_for = key
        groups = []
        for name in self.axes:
            low, high, pixels = spans[name]
            levels = self._levels(name, low, high, pixels)
            for level in range(min(LEVELS, len(levels))):
                values = np.asarray(levels[level], dtype=float)
                values = values[(values >= low) & (values <= high)]
                groups.append(self._group(name, values, (x0, x1), (y0, y1), pixels))
        self.item.set_lines(groups, QRectF(x0, y0, x1 - x0, y1 - y0).normalized())

    def _group(self, name: str, values, xs, ys, pixels: float):
        # Like pyqtgraph's own grid: lines closer than ~20 pixels apart fade out.
        fade = min(1.0, max(0.0, 0.05 * pixels / (len(values) + 1)))
        pen = pg.mkPen(theme.solid(theme.FOREGROUND, self.alpha * fade), width=1)
        if name == "bottom":  # vertical lines
            lines = [QLineF(v, ys[0], v, ys[1]) for v in values.tolist()]
        else:
            lines = [QLineF(xs[0], v, xs[1], v) for v in values.tolist()]
        return pen, lines

    def line_count(self) -> int:
        return self.item.line_count()

    def _levels(self, name: str, low: float, high: float, pixels: float) -> list:
        axis = self.plot_item.getAxis(name)
        fixed = getattr(axis, "_tickLevels", None)  # ticks the plot set by hand
        if fixed is not None:
            return [[value for value, _text in level] for level in fixed]
        if not (np.isfinite(low) and np.isfinite(high)) or high <= low or pixels <= 0:
            return []
        return [list(values) for _spacing, values in axis.tickValues(low, high, pixels)]


def show_grid(plot_item: pg.PlotItem, x: bool = True, y: bool = True) -> GridLines:
    """Put light grid lines under ``plot_item``'s data (kept on the plot item)."""
    grid = GridLines(plot_item, x, y)
    plot_item.grid_lines = grid
    return grid
