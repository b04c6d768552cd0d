"""Light plot items painted by Qt itself: a round marker (``Dot``), many of them
(``Dots``) and a straight line between two points (``Segment``).

A pyqtgraph ``ScatterPlotItem`` holding one spot costs about 0.3 ms to move and 0.08 ms
to paint, all of it Python; a plot that moves three walkers and two slice points on every
frame spent over a millisecond on them. This item keeps its size in pixels whatever the
zoom and costs a few microseconds either way.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem, QGraphicsLineItem


class Dot(QGraphicsEllipseItem):
    """A disc ``size`` pixels across, with ``pen`` and ``brush``, hidden until placed."""

    def __init__(self, size: float, brush, pen) -> None:
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

    def paint(self, painter, option, widget=None) -> None:
        smooth = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)  # a round edge
        super().paint(painter, option, widget)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)

    def getData(self) -> tuple[list[float], list[float]]:  # noqa: N802 (pyqtgraph's name)
        """([x], [y]) while shown, ([], []) while hidden: as a one-spot scatter answers."""
        if not self.isVisible():
            return [], []
        return [self.pos().x()], [self.pos().y()]


class Dots(pg.GraphicsObject):
    """Many round markers of one colour, ``size`` pixels across, in one Qt call.

    A ``ScatterPlotItem`` of a few hundred points spends about 0.6 ms in Python on every
    new set of points; here a new set is one array copy and the paint one ``drawPoints``
    with a round pen.
    """

    def __init__(self, size: float, colour, edge=None, edge_width: float = 1.0) -> None:
        super().__init__()
        self._pen = QPen(pg.mkColor(colour), float(size))
        self._pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self._pen.setCosmetic(True)
        # A ring round each dot: a bigger dot of the edge colour drawn first.
        self._edge = None if edge is None else QPen(self._pen)
        self._edge_width = float(edge_width)
        if self._edge is not None:
            self._edge.setColor(pg.mkColor(edge))
            self._edge.setWidthF(float(size) + 2.0 * self._edge_width)
        self._points = QPolygonF()
        self._xs = self._ys = np.empty(0)
        self._bounds = QRectF()

    @property
    def size(self) -> float:
        return self._pen.widthF()

    def set_size(self, size: float) -> None:
        self._pen.setWidthF(float(size))
        if self._edge is not None:
            self._edge.setWidthF(float(size) + 2.0 * self._edge_width)
        self.prepareGeometryChange()
        self.update()

    def set_points(self, xs, ys) -> None:
        """The points (x, y); those not finite are left out."""
        xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
        keep = np.isfinite(xs) & np.isfinite(ys)
        xs, ys = xs[keep], ys[keep]
        self.prepareGeometryChange()
        self._xs, self._ys = xs, ys
        self._points = pg.functions.arrayToQPolygonF(xs, ys) if xs.size else QPolygonF()
        self._bounds = (QRectF(float(xs.min()), float(ys.min()), float(np.ptp(xs)),
                               float(np.ptp(ys))) if xs.size else QRectF())
        self.update()

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802 (pyqtgraph's name)
        return self._xs, self._ys

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt name)
        # The dots reach half their size past their centres, in pixels: in data units that
        # depends on the zoom, so it is asked of the view each time.
        if self._bounds.isNull() and not self._xs.size:
            return QRectF()
        px, py = self.pixelWidth(), self.pixelHeight()
        pen = self._edge if self._edge is not None else self._pen
        half = 0.5 * pen.widthF() + 1.0
        return self._bounds.adjusted(-half * px, -half * py, half * px, half * py)

    def dataBounds(self, axis: int, frac: float = 1.0, orthoRange=None):  # noqa: N802, N803
        values = self._xs if axis == 0 else self._ys
        if values.size == 0:
            return (None, None)
        return (float(values.min()), float(values.max()))

    def paint(self, painter, *_args) -> None:
        if self._points.size():
            # Smoothed: at five pixels a round cap drawn without it looks square.
            smooth = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            if self._edge is not None:
                painter.setPen(self._edge)
                painter.drawPoints(self._points)
            painter.setPen(self._pen)
            painter.drawPoints(self._points)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)


class Segment(QGraphicsLineItem):
    """A straight line from one point of a plot to another, hidden until given one.

    A two-point pyqtgraph curve costs about 0.15 ms of Python to move and 0.03 ms to
    paint; this one a few microseconds. Its pen keeps its width in pixels.
    """

    def __init__(self, pen) -> None:
        super().__init__()
        pen = QPen(pg.mkPen(pen))
        pen.setCosmetic(True)
        self.setPen(pen)
        self.hide()

    def set_points(self, xs, ys) -> None:
        """The line from (xs[0], ys[0]) to (xs[1], ys[1]); hidden unless both are finite."""
        if len(xs) != 2 or len(ys) != 2:
            self.hide()
            return
        ends = [float(v) for v in (xs[0], ys[0], xs[1], ys[1])]
        if not all(math.isfinite(v) for v in ends):
            self.hide()
            return
        line = self.line()
        if (line.x1(), line.y1(), line.x2(), line.y2()) != tuple(ends):
            self.setLine(*ends)
        self.show()

    def getData(self) -> tuple[list[float], list[float]]:  # noqa: N802 (pyqtgraph's name)
        """([x0, x1], [y0, y1]) while shown, ([], []) while hidden."""
        if not self.isVisible():
            return [], []
        line = self.line()
        return [line.x1(), line.x2()], [line.y1(), line.y2()]
