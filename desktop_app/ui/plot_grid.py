"""Grid lines under a plot's data, one line item per tick level.

pyqtgraph's own grid (``showGrid``) stretches the axes' tick lines across the plot, so any
frame that changes something inside the plot repaints both axes, text and all: at
864 × 660 offscreen a frame took 10 ms with that grid and 2 ms without. Here the lines
are a ``PlotCurveItem`` per level (all segments drawn in one call) that follows the axes'
ticks whenever the view range or size changes; a frame costs about what no grid costs.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem

from desktop_app.ui import theme

#: How many tick levels get lines: the major ticks and the first minor ones.
LEVELS = 2


class GridLines:
    """Light lines at the tick values of ``plot_item``'s bottom (x) and left (y) axes."""

    def __init__(self, plot_item: pg.PlotItem, x: bool = True, y: bool = True,
                 alpha: float = theme.GRID_ALPHA) -> None:
        self.plot_item = plot_item
        self.alpha = alpha
        self.axes = [name for name, on in (("bottom", x), ("left", y)) if on]
        view = plot_item.getViewBox()
        # One item per axis and level: each gets its own faintness (dense levels fade).
        self.items: dict[tuple[str, int], pg.PlotCurveItem] = {}
        for name in self.axes:
            for level in range(LEVELS):
                item = pg.PlotCurveItem(connect="pairs")
                item.is_grid = True  # presenter mode leaves grid lines thin
                item.setZValue(-1000)  # under everything the plot shows
                # The lines change only with the range: Qt keeps their pixels, so a frame
                # that moves a point over them copies them instead of drawing them again.
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
                view.addItem(item, ignoreBounds=True)
                self.items[(name, level)] = item
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
        for name in self.axes:
            low, high, pixels = spans[name]
            levels = self._levels(name, low, high, pixels)
            for level in range(LEVELS):
                values = np.asarray(levels[level] if level < len(levels) else [], dtype=float)
                values = values[(values >= low) & (values <= high)]
                self._draw(self.items[(name, level)], name, values, (x0, x1), (y0, y1),
                           pixels)

    def _draw(self, item, name: str, values, xs, ys, pixels: float) -> None:
        # Like pyqtgraph's own grid: lines closer than ~20 pixels apart fade out.
        fade = min(1.0, max(0.0, 0.05 * pixels / (len(values) + 1)))
        colour = pg.mkColor(theme.FOREGROUND)
        colour.setAlphaF(self.alpha * fade)
        item.setPen(pg.mkPen(colour, width=1))
        if name == "bottom":  # vertical lines, as pairs of points
            px, py = np.repeat(values, 2), np.tile(ys, len(values))
        else:
            px, py = np.tile(xs, len(values)), np.repeat(values, 2)
        item.setData(px, py)

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
