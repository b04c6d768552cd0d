"""A round marker at one point of a plot, painted by Qt itself.

A pyqtgraph ``ScatterPlotItem`` holding one spot costs about 0.3 ms to move and 0.08 ms
to paint, all of it Python; a plot that moves three walkers and two slice points on every
frame spent over a millisecond on them. This item keeps its size in pixels whatever the
zoom and costs a few microseconds either way.
"""

from __future__ import annotations

import math

from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem


class Dot(QGraphicsEllipseItem):
    """A disc ``size`` pixels across, with ``pen`` and ``brush``, hidden until placed."""

    def __init__(self, size: float, brush, pen) -> None:
        import pyqtgraph as pg

        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setBrush(pg.mkBrush(brush))
        self.setPen(pg.mkPen(pen))
        self.set_size(size)
        self.hide()

    @property
    def size(self) -> float:
        return self.rect().width()

    def set_size(self, size: float) -> None:
        radius = float(size) / 2.0
        self.setRect(-radius, -radius, 2.0 * radius, 2.0 * radius)

    def set_point(self, point) -> None:
        """Put the dot at ``point`` (x, y); hide it for None or a point not finite."""
        if point is None or not all(math.isfinite(v) for v in point):
            self.hide()
            return
        x, y = float(point[0]), float(point[1])
        if (x, y) != (self.pos().x(), self.pos().y()):
            self.setPos(x, y)
        self.show()

    def getData(self) -> tuple[list[float], list[float]]:  # noqa: N802 (pyqtgraph's name)
        """([x], [y]) while shown, ([], []) while hidden: as a one-spot scatter answers."""
        if not self.isVisible():
            return [], []
        return [self.pos().x()], [self.pos().y()]
